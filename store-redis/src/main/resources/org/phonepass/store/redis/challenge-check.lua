-- A code check that does not use the code (step 1 of the legacy redirect flow), atomically across every candidate
-- client: a match changes nothing; otherwise the attempt is counted on every live challenge of every candidate,
-- with the same rules as challenge-consume.lua's wrong-code path.
--
-- KEYS[1..n] the challenges of each candidate client and the phone (see challenge-create.lua)
-- KEYS[n+1]  the expiry index
-- ARGV[1]    now (epoch ms, the verifying node's clock)
-- ARGV[2..n+1]    the submitted code's HMAC for each candidate, hex, in KEYS order
-- ARGV[n+2..2n+1] the suffix of each KEYS[i], its member in the index
--
-- Returns { outcome, attempts remaining, 1-based index of the matching key or 0 }, outcome one of OK, WRONG, NONE.
local n = #KEYS - 1
local index = KEYS[n + 1]
local now = tonumber(ARGV[1])

local lists = {}
local any_live = false
local matched = 0
for k = 1, n do
  local raw = redis.call('GET', KEYS[k])
  if raw then
    local list = cjson.decode(raw)
    lists[k] = list
    for i = 1, #list do
      local c = list[i]
      if c.e > now then
        any_live = true
        -- Not constant-time, and need not be: see challenge-consume.lua. Every live challenge is compared.
        -- Here the attempt is not counted yet, so "under the limit" is a < m.
        if c.h == ARGV[1 + k] and c.a < c.m and matched == 0 then
          matched = k
        end
      end
    end
  end
end
if not any_live then
  return { 'NONE', 0, 0 }
end
if matched > 0 then
  return { 'OK', 0, matched }
end

local remaining = 0
for k = 1, n do
  local list = lists[k]
  if list then
    local kept = {}
    for i = 1, #list do
      local c = list[i]
      if c.e > now then
        c.a = c.a + 1
        if c.m - c.a > remaining then
          remaining = c.m - c.a
        end
      end
      -- A challenge whose count reached its limit is dead: drop it.
      if c.a < c.m then
        kept[#kept + 1] = c
      end
    end
    if #kept == 0 then
      redis.call('DEL', KEYS[k])
      redis.call('ZREM', index, ARGV[1 + n + k])
    else
      redis.call('SET', KEYS[k], cjson.encode(kept), 'KEEPTTL')
    end
  end
end
return { 'WRONG', remaining, 0 }
