-- One verification attempt, atomically: count the attempt on every live challenge first, then compare, then on a
-- match retire every challenge of the client and phone. The same rules, in the same order, as the SQL store.
--
-- KEYS[1] the challenges of one client and phone (see challenge-create.lua)
-- KEYS[2] the expiry index
-- ARGV[1] the submitted code's HMAC, hex
-- ARGV[2] now (epoch ms, the verifying node's clock)
-- ARGV[3] the suffix of KEYS[1], the member in KEYS[2]
--
-- Returns { outcome, attempts remaining on the newest live challenge }, outcome one of OK, WRONG, NONE.
local raw = redis.call('GET', KEYS[1])
if not raw then
  return { 'NONE', 0 }
end
local list = cjson.decode(raw)
local now = tonumber(ARGV[2])

local newest = nil
local live = {}
for i = 1, #list do
  local c = list[i]
  if c.e > now then
    -- The attempt is counted before the comparison: a guess costs an attempt whatever its outcome.
    c.a = c.a + 1
    live[#live + 1] = c
    if newest == nil then
      newest = c
    end
  end
end
if newest == nil then
  return { 'NONE', 0 }
end

-- Lua's == on strings is not constant-time. It does not need to be: what is compared are HMAC-SHA256 tags keyed
-- by a server secret that Redis never sees, so the time to the first differing byte tells a guesser only how much
-- of an unpredictable tag their guess shares, which says nothing about the code and cannot be steered. Every live
-- challenge is compared, so the timing does not tell which one matched either.
local matched = false
for i = 1, #live do
  -- a is now the count including this attempt: "attempts before this one under the limit" is a <= m.
  if live[i].h == ARGV[1] and live[i].a <= live[i].m then
    matched = true
  end
end
if matched then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[3])
  return { 'OK', 0 }
end

local remaining = newest.m - newest.a
if remaining < 0 then
  remaining = 0
end
-- A challenge whose count reached its limit is dead: drop it.
local kept = {}
for i = 1, #list do
  if list[i].a < list[i].m then
    kept[#kept + 1] = list[i]
  end
end
if #kept == 0 then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[3])
else
  redis.call('SET', KEYS[1], cjson.encode(kept), 'KEEPTTL')
end
return { 'WRONG', remaining }
