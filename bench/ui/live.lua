-- wrk script: GET /api/v1/live for a random one of the N simulated devices (meter-001..N).
-- The session cookie comes from the environment (run.sh logs in first).
local cookie = os.getenv("GS_COOKIE")
local n = tonumber(os.getenv("GS_SOURCES") or "200")

function init(args)
    math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
    local path = string.format("/api/v1/live?source=meter-%03d", math.random(1, n))
    return wrk.format("GET", path, { ["Cookie"] = cookie })
end
