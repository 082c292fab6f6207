-- 0007: Open311 GeoReport v2 — what a category says about itself as a
-- service (description, keywords, the extra questions a report must answer)
-- and what an Open311 client sent with a request that the case itself does
-- not keep (its contact data, media URL, answers and the request token).

-- service description and keywords (comma-separated) shown in services.{xml,json}
ALTER TABLE categories ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE categories ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
-- The service definition's attributes as a JSON array, '' for none. Each:
--   {"code", "datatype" (string, number, datetime, text, singlevaluelist,
--    multivaluelist), "required", "description", "datatype_description"?,
--    "variable"? (false: information only, never answered),
--    "values"? [{"key", "name"}] for the lists, "min"?/"max"? for numbers,
--    "max_length"? for strings}
-- The order of the array is the attributes' order. Checked by
-- src/core/svcattr.c when read; a malformed definition makes the service
-- answer 500 rather than accept unchecked answers.
ALTER TABLE categories ADD COLUMN attributes TEXT NOT NULL DEFAULT '';

-- One row per case filed through Open311. Contact data stays here, for
-- staff: the Open311 read endpoints never show it.
CREATE TABLE open311_requests (
    case_id     INTEGER PRIMARY KEY REFERENCES cases(id),
    apikey_id   INTEGER NOT NULL REFERENCES api_keys(id),
    token       TEXT NOT NULL UNIQUE,        -- random, answers tokens/{token}
    email       TEXT NOT NULL DEFAULT '',
    first_name  TEXT NOT NULL DEFAULT '',
    last_name   TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    device_id   TEXT NOT NULL DEFAULT '',
    account_id  TEXT NOT NULL DEFAULT '',
    media_url   TEXT NOT NULL DEFAULT '',
    address_string TEXT NOT NULL DEFAULT '',
    attributes  TEXT NOT NULL DEFAULT '',    -- JSON object {code: value or [values]}
    created_at  INTEGER NOT NULL
);
CREATE INDEX open311_requests_key ON open311_requests(apikey_id);

-- Open311 lists filter by reported_at.
CREATE INDEX cases_reported ON cases(reported_at);

UPDATE categories SET description = '供水、排水、供电、燃气、供暖方面的问题',
    keywords = '水,电,气,暖' WHERE code = 'utilities';
UPDATE categories SET description = '户内或楼道的下水、上水管道堵塞、返水',
    keywords = '下水道,堵塞,返水,管道',
    attributes = '[{"code":"location","datatype":"singlevaluelist","required":true,"description":"堵塞位置","values":[{"key":"kitchen","name":"厨房"},{"key":"bathroom","name":"卫生间"},{"key":"stairwell","name":"楼道立管"},{"key":"outdoor","name":"室外管网"}]}]'
    WHERE code = 'utilities.pipe_blocked';
UPDATE categories SET description = '供暖期室内温度不达标、暖气片不热',
    keywords = '暖气,供暖,散热器,室温',
    attributes = '[{"code":"indoor_temp","datatype":"number","required":true,"description":"室内温度（℃）","datatype_description":"摄氏度，-30 至 40","min":-30,"max":40},{"code":"radiator","datatype":"singlevaluelist","required":false,"description":"暖气片情况","values":[{"key":"all_cold","name":"全部不热"},{"key":"some_cold","name":"部分不热"},{"key":"top_only","name":"上热下凉"}]}]'
    WHERE code = 'utilities.heating_cold';
UPDATE categories SET description = '无计划的停水、停电、停气、停暖',
    keywords = '停水,停电,停气,停暖',
    attributes = '[{"code":"utility","datatype":"singlevaluelist","required":true,"description":"停了什么","values":[{"key":"water","name":"停水"},{"key":"power","name":"停电"},{"key":"gas","name":"停气"},{"key":"heat","name":"停暖"}]},{"code":"scope","datatype":"singlevaluelist","required":false,"description":"影响范围","values":[{"key":"household","name":"本户"},{"key":"unit","name":"本单元"},{"key":"building","name":"本楼"},{"key":"estate","name":"整个小区"}]},{"code":"since","datatype":"datetime","required":false,"description":"开始时间","datatype_description":"ISO-8601，例如 2026-01-15T07:30:00+08:00"}]'
    WHERE code = 'utilities.outage';
UPDATE categories SET description = '供热管网、换热站故障，由热力公司处置',
    keywords = '供热管网,换热站,热力公司' WHERE code = 'utilities.heating_network';
UPDATE categories SET description = '供水主管网漏水、爆管，由自来水公司处置',
    keywords = '漏水,爆管,自来水公司' WHERE code = 'utilities.water_main';
UPDATE categories SET description = '楼道、小区、街巷的环境卫生',
    keywords = '卫生,清洁' WHERE code = 'sanitation';
UPDATE categories SET description = '楼道堆物、脏乱、小广告',
    keywords = '楼道,堆物,小广告' WHERE code = 'sanitation.stairwell';
UPDATE categories SET description = '垃圾未及时清运、垃圾桶满溢',
    keywords = '垃圾,清运,垃圾桶',
    attributes = '[{"code":"kind","datatype":"multivaluelist","required":false,"description":"垃圾种类","values":[{"key":"household","name":"生活垃圾"},{"key":"bulky","name":"大件垃圾"},{"key":"construction","name":"建筑垃圾"},{"key":"kitchen","name":"厨余垃圾"}]}]'
    WHERE code = 'sanitation.garbage';
UPDATE categories SET description = '安全隐患：消防通道、用电、燃气、高空坠物等',
    keywords = '消防,隐患,燃气,电动车',
    attributes = '[{"code":"hazard","datatype":"singlevaluelist","required":true,"description":"隐患类型","values":[{"key":"fire_lane","name":"消防通道堵塞"},{"key":"ebike_charging","name":"电动车楼道充电"},{"key":"gas","name":"燃气泄漏"},{"key":"falling","name":"高空坠物风险"},{"key":"other","name":"其他"}]}]'
    WHERE code = 'safety';
UPDATE categories SET description = '物业服务不到位、物业费争议以外的服务问题',
    keywords = '物业' WHERE code = 'property';
UPDATE categories SET description = '路灯、健身器材、井盖等公共设施损坏',
    keywords = '路灯,井盖,健身器材,设施' WHERE code = 'facilities';
UPDATE categories SET description = '困难帮扶、养老、助残等民生诉求',
    keywords = '帮扶,养老,助残' WHERE code = 'livelihood';
UPDATE categories SET description = '政策咨询与代办服务',
    keywords = '咨询,代办' WHERE code = 'policy';
UPDATE categories SET description = '城市管理事件',
    keywords = '城管' WHERE code = 'cityman';
UPDATE categories SET description = '违规搭建、私搭乱建',
    keywords = '违建,私搭乱建' WHERE code = 'cityman.illegal_building';
UPDATE categories SET description = '占道经营、流动摊贩',
    keywords = '占道,摊贩' WHERE code = 'cityman.street_vending';
UPDATE categories SET description = '道路、路口积水',
    keywords = '积水,内涝',
    attributes = '[{"code":"depth_cm","datatype":"number","required":false,"description":"积水深度（厘米）","datatype_description":"厘米，0 至 200","min":0,"max":200}]'
    WHERE code = 'cityman.waterlogging';
