-- Saves a new challenge and retires the live ones of the same client and phone beyond the newest keepPrevious,
-- in one atomic step (Redis runs a script without interleaving any other command).
--
-- KEYS[1] the challenges of one client and phone: a JSON array of the live ones, newest first
-- KEYS[2] the expiry index: a sorted set of challenge-key suffixes scored by their latest expiry (epoch ms)
-- ARGV[1] the new challenge as JSON {h = HMAC hex, e = expires at ms, a = attempts, m = max attempts}
-- ARGV[2] keepPrevious
-- ARGV[3] created at (epoch ms, the creating node's clock)
-- ARGV[4] grace (ms) added to the native time to live
-- ARGV[5] the suffix of KEYS[1], the member in KEYS[2]
--
-- Only live challenges are kept: used, dead and replaced ones are simply gone, which is what the SQL store's
-- states amount to for every question the ChallengeStore interface can ask.
local entry = cjson.decode(ARGV[1])
local keep = tonumber(ARGV[2])
local created = tonumber(ARGV[3])
local grace = tonumber(ARGV[4])

local kept = { entry }
local raw = redis.call('GET', KEYS[1])
if raw then
  local previous = cjson.decode(raw)
  -- Like the SQL store, an expired but otherwise live code still takes one of the keepPrevious places.
  for i = 1, #previous do
    if #kept > keep then
      break
    end
    kept[#kept + 1] = previous[i]
  end
end

local latest = entry.e
for i = 1, #kept do
  if kept[i].e > latest then
    latest = kept[i].e
  end
end

-- The native expiry is a validity period counted from now on Redis's clock, not an absolute time from the node's:
-- clocks of nodes and Redis may differ, and the authoritative check is the node's own against e in consume.
-- The grace keeps the key a little longer than any node can accept it, so a node whose clock is slightly behind
-- never finds the key gone while its code is still valid for it.
local ttl = latest - created
if ttl < 0 then
  ttl = 0
end
redis.call('SET', KEYS[1], cjson.encode(kept), 'PX', ttl + grace)
redis.call('ZADD', KEYS[2], latest, ARGV[5])
return #kept
