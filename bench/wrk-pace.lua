-- wrk script for a fixed, moderate rate: each connection waits PACE_MS between requests (fortio -qps style),
-- so connections × 1000 / PACE_MS requests per second, less the requests' own time.
local pace = tonumber(os.getenv("PACE_MS") or "16")
function delay()
  return pace
end
