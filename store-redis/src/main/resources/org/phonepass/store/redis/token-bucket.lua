-- One token-bucket operation, atomically. The bucket is stored as the single number "full_at": the instant (epoch
-- microseconds, on the calling node's clock) at which it will be full again. Its deficit at time now is
-- max(0, full_at - now), and every token is worth T microseconds of deficit, so the bucket is "capacity minus
-- ceil(deficit / T)" tokens: smooth refill with one number and no background job. The same arithmetic runs in
-- PostgreSQL (JdbcRateLimiter) and in Java for the embedded limiter, so the three agree to the microsecond.
--
-- Microseconds, not nanoseconds: Lua numbers are doubles, exact only up to 2^53, and epoch nanoseconds are beyond
-- that; epoch microseconds (about 1.7e15) are not.
--
-- KEYS[1] the bucket
-- ARGV[1] operation: acquire | peek | refund
-- ARGV[2] now, epoch microseconds
-- ARGV[3] T, microseconds per token (period / capacity), at least 1
-- ARGV[4] capacity
-- ARGV[5] tokens to give back (refund only)
--
-- Returns { granted (1 or 0), deficit after the operation in microseconds }.
local now = tonumber(ARGV[2])
local t = tonumber(ARGV[3])
local capacity = tonumber(ARGV[4])
local stored = redis.call('GET', KEYS[1])
local deficit = 0
if stored then
  deficit = tonumber(stored) - now
  if deficit < 0 then
    deficit = 0
  end
end

-- The key lives exactly as long as the bucket is not full, plus a second for rounding: an expired key and a full
-- bucket are the same thing, so Redis forgets idle buckets by itself. The TTL is relative, so it does not matter
-- that Redis's clock and the node's differ.
local function store(d)
  if d <= 0 then
    redis.call('DEL', KEYS[1])
  else
    redis.call('SET', KEYS[1], string.format('%.0f', now + d), 'PX', math.ceil(d / 1000) + 1000)
  end
end

local op = ARGV[1]
if op == 'acquire' then
  if deficit <= (capacity - 1) * t then
    deficit = deficit + t
    store(deficit)
    return { 1, deficit }
  end
  -- Refused: nothing is written, so an attacker hammering a locked key costs Redis no writes.
  return { 0, deficit }
elseif op == 'peek' then
  if deficit <= (capacity - 1) * t then
    return { 1, deficit }
  end
  return { 0, deficit }
elseif op == 'refund' then
  if stored then
    deficit = deficit - tonumber(ARGV[5]) * t
    if deficit < 0 then
      deficit = 0
    end
    store(deficit)
  end
  return { 1, deficit }
end
return redis.error_reply('unknown operation ' .. tostring(op))
