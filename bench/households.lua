-- households.lua — wrk script for the HTTP benchmark: authenticated
-- GET /api/v1/households/<id>, ids spread over the existing households.
--
--   wrk ... -s bench/households.lua URL -- TOKEN MIN_ID MAX_ID
--
-- Each wrk thread walks the id range with its own stride and starting
-- point, so the connections read different rows rather than one hot row.
-- With TOKEN "-" no Authorization header is sent (the baseline server).

local token, lo, hi
local next_id, stride
local threads = 0

-- Runs in the main state once per thread: number the threads.
function setup(thread)
   threads = threads + 1
   thread:set("tid", threads)
end

function init(args)
   token = args[1] or "-"
   lo = tonumber(args[2] or "1")
   hi = tonumber(args[3] or "1")
   if token ~= "-" then
      wrk.headers["Authorization"] = "Bearer " .. token
   end
   wrk.headers["Accept"] = "application/json"
   -- A per-thread start; 7919 (prime) keeps consecutive requests apart.
   local span = hi - lo + 1
   math.randomseed(os.time() * 100 + (tid or 1))
   next_id = math.random(0, span - 1)
   stride = 7919 % span
   if stride == 0 then stride = 1 end
end

function request()
   local span = hi - lo + 1
   next_id = (next_id + stride) % span
   return wrk.format("GET", "/api/v1/households/" .. (lo + next_id))
end
