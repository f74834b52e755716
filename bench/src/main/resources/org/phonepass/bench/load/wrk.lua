-- The wrk script of the benchmark (Wrk.java runs it): one request per operation, each with its own input.
--
--   wrk -s wrk.lua <url> -- MODE FILE THREADS [AUDIENCE]
--
-- MODE: start (a line is a phone number), ro or token (a line is "phone code"), or refresh (a line is a refresh
-- token; each answer's new refresh token goes to the back of the thread's queue, so every chain presents the token
-- the previous refresh returned). Thread k of THREADS takes lines k, k + THREADS, ...: no line is used twice.
-- wrk calls request() once more on the first thread before the run, to look at the request, and drops what it
-- returns: in refresh mode that thread needs one token beyond its connections.
-- A thread that runs out of lines stops and says so; Wrk.java then repeats the run with more.
-- done() prints one line "PHONEPASS k=v ..." with the counts and latencies, and "PHONEPASS_ERROR text" with the
-- first failed answer.

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local json = { ["Content-Type"] = "application/json" }
local otp = "http://auth0.com/oauth/grant-type/passwordless/otp"

function init(args)
  mode = args[1]
  audience = args[4]
  local n = tonumber(args[3])
  items, head, tail = {}, 1, 0
  local i = 0
  for line in io.lines(args[2]) do
    if i % n == index then
      tail = tail + 1
      items[tail] = line
    end
    i = i + 1
  end
  ran_out = 0
  first_error = ""
end

function request()
  if head > tail then
    ran_out = 1
    wrk.thread:stop()
    return wrk.format("GET", "/health/live")
  end
  local item = items[head]
  items[head] = nil
  head = head + 1
  if mode == "start" then
    return wrk.format("POST", "/passwordless/start", json, '{"client_id":"bench","connection":"sms","send":"code",'
      .. '"phone_number":"' .. item .. '"}')
  elseif mode == "refresh" then
    return wrk.format("POST", "/oauth/token", json, '{"grant_type":"refresh_token","client_id":"bench",'
      .. '"refresh_token":"' .. item .. '"}')
  end
  local phone, code = item:match("^(%S+) (%S+)$")
  if mode == "ro" then
    return wrk.format("POST", "/oauth/ro", json, '{"grant_type":"password","client_id":"bench","connection":"sms",'
      .. '"username":"' .. phone .. '","password":"' .. code .. '","scope":"openid"}')
  end
  local extra = audience and (',"audience":"' .. audience .. '"') or ""
  return wrk.format("POST", "/oauth/token", json, '{"grant_type":"' .. otp .. '","client_id":"bench","realm":"sms",'
    .. '"username":"' .. phone .. '","otp":"' .. code .. '","scope":"openid"' .. extra .. '}')
end

function response(status, headers, body)
  if status == 200 and mode == "refresh" then
    local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
    if token then
      tail = tail + 1
      items[tail] = token
    end
  elseif status >= 300 and first_error == "" then
    first_error = "HTTP " .. status .. ": " .. body:sub(1, 200):gsub("[\r\n]", " ")
  end
end

function done(summary, latency, requests)
  local out, first = 0, ""
  for _, t in ipairs(threads) do
    out = out + t:get("ran_out")
    local e = t:get("first_error")
    if first == "" and e then
      first = e
    end
  end
  local e = summary.errors
  io.write(string.format("PHONEPASS requests=%d duration_us=%d status=%d connect=%d read=%d write=%d timeout=%d "
    .. "ran_out=%d p50_us=%.0f p99_us=%.0f p999_us=%.0f\n", summary.requests, summary.duration, e.status, e.connect,
    e.read, e.write, e.timeout, out, latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
  io.write("PHONEPASS_ERROR " .. first .. "\n")
end
