"""test_photos.py — black-box tests of photos on the demo city.

Real image bytes made here with the standard library: PNG through zlib and
struct, a baseline JPEG built segment by segment (a flat grey picture with
one-code Huffman tables), lossless and lossy WebP as byte literals inside a
RIFF container built with struct. Covered: upload of each type with
hash, type, size and dimensions, and the file on disk at <dir>/ab/cd/<hash>
with the same bytes; refusals (a GIF, a text file named .jpg, one byte over
the size cap, ten files, malformed multipart bodies, a JSON body, an empty
or misnamed part, an auditor, no login) that write nothing and leave the
server serving; deduplication; case photos at filing and with the handler's
result, and the references refused (someone else's upload, a repeated or
malformed hash, ten); who may read a photo (reporter, assigned worker,
in-scope staff, the uploader; out-of-scope staff, other residents and a
department handler get 404, anonymous 401) with its headers and 304; a
private case's photos; and `gridgov photos --gc` with a pinned clock.
"""

import hashlib
import os
import struct
import subprocess
import time

import gg

t = gg.Checks()
PW = gg.DEMO_PASSWORD
GRID1 = "150781004004001"
YUNSHAN1 = "150781002001001"
MAX_PHOTO = 8 << 20

# ---------------------------------------------------------------- images


def jpeg(w=16, h=8):
    """A baseline grey JPEG: quantisation all ones, one DC code (difference 0) and one AC
    code (end of block), so every 8×8 block is the two bits 00."""
    def seg(marker, payload):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload
    blocks = ((w + 7) // 8) * ((h + 7) // 8)
    bits = "00" * blocks
    bits += "1" * (-len(bits) % 8)
    scan = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)).replace(b"\xff", b"\xff\x00")
    return (b"\xff\xd8" + seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + seg(0xDB, b"\x00" + bytes([1] * 64))
            + seg(0xC0, struct.pack(">BHHB", 8, h, w, 1) + b"\x01\x11\x00")
            + seg(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00")
            + seg(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\x00")
            + seg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + scan + b"\xff\xd9")


def riff_webp(kind, payload):
    chunk = kind + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) % 2 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


# 1×1 lossless (VP8L: signature 0x2f, 14-bit width-1 and height-1 = 0, one green pixel)
WEBP_LOSSLESS = riff_webp(b"VP8L", b"\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07")
# 1×1 lossy (VP8 key frame: tag, start code 9d 01 2a, width 1, height 1, partition)
WEBP_LOSSY = riff_webp(b"VP8 ", b"\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00\x0e\xc0\xfe\x25\xa4"
                                 b"\x00\x03\x70\x00\x00\x00\x00")
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
       b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def blake(data):
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def upload(client, files):
    """files: (filename, bytes) sent as parts named photo with Content-Type image/jpeg."""
    body, ctype = gg.multipart([("photo", fn, "image/jpeg", data) for fn, data in files])
    return client.post("/api/v1/photos", body, headers={"Content-Type": ctype})


def must_upload(client, files):
    r = upload(client, files)
    if r.status != 201:
        raise RuntimeError("upload failed: %s %s" % (r.status, gg.short(r.body)))
    return [x["hash"] for x in r.body["items"]]


# ---------------------------------------------------------------- fixture

env = gg.DemoEnv()
PHOTO_DIR = env.db + ".photos"
srv = env.server()
anon = srv.client()


def login(name):
    return anon.login(name, PW)


def one(query, args=()):
    rows = env.sql(query, args)
    return rows[0][0] if rows else None


admin, worker, chief, res = login("admin"), login("huabu_worker"), login("huabu_chief"), login("resident")
auditor, heating = login("auditor"), login("heating")
WORKER_STAFF = one("SELECT staff_id FROM users WHERE login = 'huabu_worker'")
RES_ID = one("SELECT resident_id FROM users WHERE login = 'resident'")
HOME = one("SELECT household_id FROM residents WHERE id = ?", (RES_ID,))
RES2_ID = one("SELECT id FROM residents WHERE place = ? AND household_id <> ? ORDER BY id LIMIT 1",
              (GRID1, HOME))
FAR_STAFF = one("SELECT id FROM staff WHERE place = ? AND role = 'fulltime' ORDER BY id LIMIT 1",
                (YUNSHAN1,))


def add_user(login_, role, place, resident_id=None, staff_id=None):
    r = admin.post("/api/v1/users", {"login": login_, "password": PW, "role": role, "place": place})
    if r.status != 201:
        raise SystemExit("cannot create %s: %s %s" % (login_, r.status, r.body))
    if resident_id:
        env.write("UPDATE users SET resident_id = ? WHERE login = ?", (resident_id, login_))
    if staff_id:
        env.write("UPDATE users SET staff_id = ? WHERE login = ?", (staff_id, login_))
    return login(login_)


res2 = add_user("resident2", "resident", GRID1, resident_id=RES2_ID)
far_worker = add_user("far_worker", "grid_worker", YUNSHAN1, staff_id=FAR_STAFF)
# one grid worker on duty in grid 1, so that registration dispatches to huabu_worker
env.write("UPDATE staff SET on_duty = 0 WHERE place = ? AND role IN ('fulltime', 'parttime')"
          " AND id <> ?", (GRID1, WORKER_STAFF))


def stored_files():
    out = {}
    for root, _dirs, files in os.walk(PHOTO_DIR):
        for f in files:
            out[f] = os.path.join(root, f)
    return out


def state():
    return (env.count("photos"), env.count("photo_uploads"), env.count("case_photos"),
            env.count("cases"), sorted(stored_files()))


def file_case(client, photos=None, category="utilities.heating_cold", **kw):
    body = {"category": category, "description": "暖气片冰凉", "household_id": HOME}
    if photos is not None:
        body["photos"] = photos
    body.update(kw)
    return client.post("/api/v1/cases", body)


def act(client, cid, action, **kw):
    body = {"action": action}
    body.update(kw)
    return client.post("/api/v1/cases/%d/actions" % cid, body)


# ---------------------------------------------------------------- upload


def test_upload_types():
    files = [("墙面.jpg", jpeg(16, 8)), ("b.png", gg.png(3, 2)), ("c.webp", WEBP_LOSSLESS),
             ("d.webp", WEBP_LOSSY)]
    r = upload(res, files)
    t.status(r, 201, "upload a JPEG, a PNG and two WebPs")
    items = r.body.get("items", []) if isinstance(r.body, dict) else []
    want = [("image/jpeg", 16, 8), ("image/png", 3, 2), ("image/webp", 1, 1), ("image/webp", 1, 1)]
    t.eq([(x.get("mime"), x.get("width"), x.get("height")) for x in items], want,
         "types from the bytes (all were sent as image/jpeg) and dimensions from the headers")
    for (name, data), x in zip(files, items):
        h = blake(data)
        t.eq((x.get("hash"), x.get("bytes"), x.get("url")), (h, len(data), "/api/v1/photos/" + h),
             "%s: BLAKE2b-256 hash, size and URL" % name)
        path = os.path.join(PHOTO_DIR, h[:2], h[2:4], h)
        t.ok(os.path.isfile(path) and open(path, "rb").read() == data,
             "%s is stored at <dir>/ab/cd/<hash> with its bytes" % name, path)
    row = env.sql("SELECT mime, bytes, width, height, uploaded_by FROM photos WHERE hash = ?",
                  (blake(files[0][1]),))
    t.eq(row[0][:4] if row else None, ("image/jpeg", len(files[0][1]), 16, 8), "the photo's row")
    t.ok(env.sql("SELECT 1 FROM audit_log WHERE action = 'upload' AND resource = 'photos'"),
         "uploads are audited")
    # exactly the size cap is accepted (a JPEG followed by padding libmagic does not mind)
    big = jpeg(8, 8)
    big += b"\x00" * (MAX_PHOTO - len(big))
    r = upload(res2, [("big.jpg", big)])
    t.status(r, 201, "a photo of exactly 8 MiB")
    # a browser-like request: boundary with dashes, part Content-Type of the real type
    body, ctype = gg.multipart([("photo", "x.png", "image/png", gg.png(4, 4))],
                            boundary="----WebKitFormBoundary7MA4YWxkTrZu0gW")
    r = res.post("/api/v1/photos", body, headers={"Content-Type": ctype})
    t.status(r, 201, "a browser's multipart body")


def refused(client, body, ctype, status, field, what):
    before = state()
    r = client.post("/api/v1/photos", body, headers={"Content-Type": ctype} if ctype else None)
    t.error(r, status, what, field=field)
    t.eq(state(), before, "%s: nothing written (rows, files)" % what)
    return r


def test_refusals():
    good = jpeg(24, 16)  # not uploaded by any other test
    body, ct = gg.multipart([("photo", "a.gif", "image/jpeg", GIF)])
    r = refused(res, body, ct, 422, "photo[0]", "a GIF")
    t.ok("image/gif" in r.body["error"]["message"], "the message says what it is",
         r.body["error"]["message"])
    body, ct = gg.multipart([("photo", "note.jpg", "image/jpeg", b"this is text, not a photo\n")])
    r = refused(res, body, ct, 422, "photo[0]", "a text file named .jpg")
    t.ok("text/plain" in r.body["error"]["message"] and "note.jpg" in r.body["error"]["message"],
         "the message names the file and its real type", r.body["error"]["message"])
    body, ct = gg.multipart([("photo", "ok.jpg", "image/jpeg", good),
                          ("photo", "bad.gif", "image/gif", GIF)])
    refused(res, body, ct, 422, "photo[1]", "a JPEG and a GIF: the GIF named, the JPEG not kept")
    over = good + b"\x00" * (MAX_PHOTO + 1 - len(good))
    body, ct = gg.multipart([("photo", "ok.jpg", None, gg.png(5, 5)), ("photo", "big.jpg", None, over)])
    refused(res, body, ct, 413, "photo[1]", "one byte over 8 MiB")
    body, ct = gg.multipart([("photo", "%d.png" % i, "image/png", gg.png(1, 1, (i, i, i)))
                          for i in range(10)])
    refused(res, body, ct, 413, "photo", "ten files")
    body, ct = gg.multipart([("photo", "e.jpg", "image/jpeg", b"")])
    refused(res, body, ct, 422, "photo[0]", "an empty file")
    body, ct = gg.multipart([("file", "a.jpg", "image/jpeg", good)])
    refused(res, body, ct, 400, "photo[0]", "a part not named photo")
    body, ct = gg.multipart([("photo", "a.jpg", "image/jpeg", good)])
    refused(res, body, "multipart/form-data", 400, "Content-Type", "no boundary")
    refused(res, body, "multipart/form-data; boundary=other", 400, "body", "the wrong boundary")
    refused(res, b'{"photo": "x"}', "application/json", 400, "Content-Type", "a JSON body")
    refused(res, body[:-30], ct, 400, "photo[0]", "a body cut short")
    malformed = [
        body.replace(b"\r\n", b"\n"),
        body.replace(b"Content-Disposition: form-data", b"Content-Disposition: attachment"),
        body.replace(b"Content-Type: image/jpeg", b"X-Photo: yes"),
        b"preamble\r\n" + body,
        body + b"trailing junk",
        body.replace(b'name="photo"', b'name="photo'),
    ]
    for i, b in enumerate(malformed):
        before = state()
        r = res.post("/api/v1/photos", b, headers={"Content-Type": ct})
        t.error(r, 400, "malformed multipart body %d" % i)
        t.eq(state(), before, "malformed multipart body %d: nothing written" % i)
    # a raw request with a body far from multipart
    r = gg.raw_request(srv.port, b"POST /api/v1/photos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                       + res.token.encode() + b"\r\nContent-Type: " + ct.encode()
                       + b"\r\nContent-Length: 5\r\n\r\n\x00\x01\x02\x03\x04")
    t.error(r, 400, "five bytes of garbage")
    refused(auditor, body, ct, 403, None, "an auditor uploads")
    refused(anon, body, ct, 401, None, "no login")
    t.status(anon.get("/healthz"), 200, "the server keeps serving after the refusals")
    t.eq(srv.proc.poll(), None, "the server is alive")
    t.eq(env.sql("SELECT COUNT(*) FROM photos WHERE hash = ?", (blake(good),))[0][0], 0,
         "the refused JPEG was never recorded")
    t.ok(blake(good) not in stored_files(), "nor stored")


def test_dedup():
    data = gg.png(7, 7, (1, 2, 3))
    h = blake(data)
    hashes = must_upload(res, [("a.png", data), ("same.png", data)])
    t.eq(hashes, [h, h], "the same bytes twice in one request: the same hash twice")
    t.eq(must_upload(res, [("again.png", data)]), [h], "a retried upload answers the same")
    t.eq(must_upload(res2, [("other.png", data)]), [h], "another user's identical bytes")
    t.eq(env.sql("SELECT COUNT(*) FROM photos WHERE hash = ?", (h,))[0][0], 1, "one photo row")
    t.eq(sorted(f for f in stored_files() if f.startswith(h[:8])), [h], "one file")
    t.eq(env.sql("SELECT COUNT(*) FROM photo_uploads WHERE hash = ?", (h,))[0][0], 2,
         "both uploaders recorded")


# ---------------------------------------------------------------- cases


def test_cases_and_access():
    report = [jpeg(32, 16), gg.png(2, 2, (0, 0, 255))]
    hs = must_upload(res, [("r1.jpg", report[0]), ("r2.png", report[1])])
    other = must_upload(res2, [("o.png", gg.png(2, 3, (9, 9, 9)))])[0]
    before = state()
    t.error(file_case(res, [other]), 422, "a case naming someone else's upload", field="photos[0]")
    t.error(file_case(res, [hs[0], hs[0]]), 422, "the same photo twice", field="photos[1]")
    t.error(file_case(res, [hs[0], "nothex"]), 400, "a malformed hash", field="photos[1]")
    t.error(file_case(res, "abc"), 400, "photos not an array", field="photos")
    t.error(file_case(res, [hs[0]] * 10), 422, "ten photos", field="photos")
    t.error(file_case(res, ["0" * 64]), 422, "a hash nobody uploaded", field="photos[0]")
    t.eq(state(), before, "refused filings wrote nothing")
    r = file_case(res, hs)
    t.status(r, 201, "the resident files a case with two photos")
    cid = r.body["id"]
    ph = r.body.get("photos", [])
    t.eq([(p["hash"], p["stage"], p["position"], p["url"]) for p in ph],
         [(hs[0], "report", 0, "/api/v1/photos/" + hs[0]), (hs[1], "report", 1, "/api/v1/photos/" + hs[1])],
         "the case lists its photos in order with URLs")
    t.eq((ph[0].get("mime"), ph[0].get("width"), ph[0].get("height")) if ph else None,
         ("image/jpeg", 32, 16), "with type and size")
    t.eq([p["hash"] for p in res.get("/api/v1/cases/%d" % cid).body.get("photos", [])], hs,
         "GET /cases/{id} lists them too")
    # the worker registers (dispatched to them automatically) and sees the photos
    r = act(worker, cid, "register")
    t.eq(r.body.get("assignee_staff_id"), WORKER_STAFF, "dispatched to huabu_worker")
    url = "/api/v1/photos/" + hs[0]
    for who, c in (("the reporter", res), ("the assigned worker", worker), ("the grid chief", chief),
                   ("the city admin", admin), ("the city auditor", auditor)):
        r = c.get(url)
        t.status(r, 200, "%s reads the photo" % who)
        t.eq(r.body, report[0], "%s gets the bytes" % who)
    r = res.get(url)
    h = r.headers
    t.eq((h.get("content-type"), h.get("etag"), h.get("x-content-type-options")),
         ("image/jpeg", '"%s"' % hs[0], "nosniff"), "stored type, ETag = hash, nosniff")
    t.ok(h.get("cache-control", "").startswith("private, max-age="), "Cache-Control private",
         h.get("cache-control"))
    r = res.get(url, headers={"If-None-Match": '"%s"' % hs[0]})
    t.status(r, 304, "If-None-Match with the hash")
    t.eq(r.body, b"", "304 has no body")
    r = res.request("HEAD", url)
    t.eq((r.status, r.headers.get("content-length")), (200, str(len(report[0]))), "HEAD")
    for who, c in (("a grid worker of 云杉", far_worker), ("another resident", res2),
                   ("the heating company", heating)):
        t.error(c.get(url), 404, "%s may not see the photo" % who, code="not_found")
        t.error(c.get(url, headers={"If-None-Match": '"%s"' % hs[0]}), 404,
                "%s: no 304 either" % who)
    t.error(anon.get(url), 401, "anonymous")
    t.error(res.get("/api/v1/photos/" + "0" * 64), 404, "an unknown hash")
    t.error(res.get("/api/v1/photos/xyz"), 404, "a malformed hash")
    t.error(res.get("/api/v1/photos/" + hs[0].upper()), 404, "hashes are lower case")
    # an unreferenced upload: its uploader only
    t.status(res2.get("/api/v1/photos/" + other), 200, "the uploader reads an unused upload")
    for who, c in (("another resident", res), ("a grid worker", worker)):
        t.error(c.get("/api/v1/photos/" + other), 404, "%s may not read an unused upload" % who)
    # the handler's result with photos
    t.status(act(worker, cid, "accept"), 200, "accept")
    t.error(act(worker, cid, "extend_request", hours=2, note="x", photos=[hs[0]]), 400,
            "photos only go with handle", field="photos")
    fixed = must_upload(worker, [("fixed.jpg", jpeg(8, 16))])
    before = state()
    t.error(act(worker, cid, "handle", result="已修复", photos=[hs[0]]), 422,
            "the handler may not attach the resident's upload", field="photos[0]")
    t.eq(state(), before, "the refused result changed nothing")
    t.eq(res.get("/api/v1/cases/%d" % cid).body.get("state"), "accepted", "still accepted")
    r = act(worker, cid, "handle", result="已修复阀门", photos=fixed)
    t.status(r, 200, "handle with a result photo")
    t.eq([(p["stage"], p["position"]) for p in r.body.get("photos", [])],
         [("report", 0), ("report", 1), ("result", 0)], "report photos first, then the result's")
    t.status(res.get("/api/v1/photos/" + fixed[0]), 200, "the reporter sees the result photo")
    t.error(res2.get("/api/v1/photos/" + fixed[0]), 404, "another resident does not")
    # reopen and handle again: result photos continue their positions
    t.status(act(res, cid, "reopen", note="还是不热"), 200, "the reporter reopens")
    t.status(act(worker, cid, "accept"), 200, "the worker accepts the reopened case")
    again = must_upload(worker, [("again.png", gg.png(6, 1))])
    r = act(worker, cid, "handle", result="更换了暖气片", photos=again)
    t.status(r, 200, "handle again with a photo")
    t.eq([p["position"] for p in r.body.get("photos", []) if p["stage"] == "result"], [0, 1],
         "the second result's photo comes after the first")
    t.ok(env.sql("SELECT COUNT(*) FROM case_photos WHERE case_id = ?", (cid,))[0][0] >= 3,
         "links stored")
    try:
        env.write("DELETE FROM case_photos WHERE case_id = ?", (cid,))
        t.ok(False, "case_photos refuses DELETE")
    except Exception as e:  # noqa: BLE001 - sqlite3 raises IntegrityError
        t.ok("append-only" in str(e), "case_photos is append-only", str(e))


def test_private_case():
    data = jpeg(40, 8)
    h = must_upload(res, [("dispute.jpg", data)])[0]
    r = file_case(res, [h], category="dispute", title="楼上漏水纠纷")
    t.status(r, 201, "a dispute with a photo")
    t.eq(r.body.get("private"), True, "the case is private")
    url = "/api/v1/photos/" + h
    for who, c in (("the reporter", res), ("the grid worker", worker), ("the grid chief", chief)):
        t.status(c.get(url), 200, "%s reads the private case's photo" % who)
    for who, c in (("another resident", res2), ("a grid worker of 云杉", far_worker),
                   ("the heating company", heating)):
        t.error(c.get(url), 404, "%s may not read the private case's photo" % who)


# ---------------------------------------------------------------- garbage collection


def gc(now=None):
    penv = dict(os.environ)
    if now:
        penv["GG_TEST_NOW"] = str(now)
    return subprocess.run([gg.BIN, "photos", "--gc", "--db", env.db], cwd=env.dir, env=penv,
                          capture_output=True, text=True, timeout=120)


def test_gc():
    lone = gg.png(9, 9, (7, 7, 7))
    h = must_upload(res2, [("lone.png", lone)])[0]
    stray = os.urandom(32).hex()
    sdir = os.path.join(PHOTO_DIR, stray[:2], stray[2:4])
    os.makedirs(sdir, exist_ok=True)
    old = time.time() - 3 * 86400
    for name in (stray, ".tmp-%s-abcdef" % stray):
        with open(os.path.join(sdir, name), "wb") as f:
            f.write(b"left over by a crash")
        os.utime(os.path.join(sdir, name), (old, old))
    fresh_tmp = os.path.join(sdir, ".tmp-%s-fresh0" % stray)
    open(fresh_tmp, "wb").close()
    out = gc()
    t.ok(out.returncode == 0, "gc runs", out.stderr)
    t.ok("removed 0 unused photos" in out.stdout, "nothing is a day old yet", out.stdout)
    t.ok(h in stored_files() and env.sql("SELECT 1 FROM photos WHERE hash = ?", (h,)),
         "a fresh unused upload stays")
    t.ok(stray not in stored_files() and ".tmp-%s-abcdef" % stray not in stored_files(),
         "old stray and temporary files are swept")
    t.ok(os.path.exists(fresh_tmp), "a fresh temporary file (an upload in flight) stays")
    used = {row[0] for row in env.sql("SELECT hash FROM case_photos")}
    t.ok(len(used) >= 3, "some photos are used by cases", len(used))
    out = gc(int(time.time()) + 2 * 86400)
    t.ok(out.returncode == 0, "gc two days later", out.stderr)
    left = {row[0] for row in env.sql("SELECT hash FROM photos")}
    t.eq(left, used, "only the photos cases use are left")
    files = set(f for f in stored_files() if not f.startswith("."))
    t.eq(files, used, "and only their files")
    t.eq(env.sql("SELECT COUNT(*) FROM photo_uploads WHERE hash NOT IN (SELECT hash FROM photos)")[0][0],
         0, "no upload rows of removed photos")
    t.error(res2.get("/api/v1/photos/" + h), 404, "a collected photo is gone")
    t.eq(must_upload(res2, [("lone.png", lone)]), [h], "uploading it again brings it back")
    t.status(res2.get("/api/v1/photos/" + h), 200, "and it can be read again")
    for hh in used:
        t.ok(os.path.isfile(os.path.join(PHOTO_DIR, hh[:2], hh[2:4], hh)), "used photo %s kept" % hh[:8])
    # a collection that crashed after setting a used photo's file aside: the next one puts it back
    hh = sorted(used)[0]
    d = os.path.join(PHOTO_DIR, hh[:2], hh[2:4])
    os.rename(os.path.join(d, hh), os.path.join(d, ".gc-" + hh))
    out = gc()
    t.ok(out.returncode == 0 and os.path.isfile(os.path.join(d, hh))
         and not os.path.exists(os.path.join(d, ".gc-" + hh)),
         "a file a crashed collection set aside is put back", out.stderr)
    t.status(worker.get("/api/v1/photos/" + hh), 200, "the put-back photo is served")


t.run(test_upload_types)
t.run(test_refusals)
t.run(test_dedup)
t.run(test_cases_and_access)
t.run(test_private_case)
t.run(test_gc)
t.status(anon.get("/healthz"), 200, "healthz at the end")
t.finish()
