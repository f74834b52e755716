-- Token-bucket operations on one or more buckets, atomically. A bucket is stored as the single number "full_at":
-- the instant (epoch microseconds, on the calling node's clock) at which it will be full again. Its deficit at time
-- now is max(0, full_at - now), and every token is worth T microseconds of deficit, so the bucket is "capacity
-- minus ceil(deficit / T)" tokens: smooth refill with one number and no background job. The same arithmetic runs
-- in PostgreSQL (JdbcRateLimiter) and in Java for the embedded limiter, so the three agree to the microsecond.
--
-- Microseconds, not nanoseconds: Lua numbers are doubles, exact only up to 2^53, and epoch nanoseconds are beyond
-- that; epoch microseconds (about 1.7e15) are not.
--
-- KEYS[i]  the bucket of step i
-- ARGV[1]  now, epoch microseconds
-- then four arguments per step i, from ARGV[2 + 4 * (i - 1)]:
--          operation: acquire | peek | refund
--          T, microseconds per token (period / capacity), at least 1
--          capacity
--          tokens to give back (refund only)
--
-- The steps run in order (RateLimiter.acquireAll). At the first acquire or peek that is not allowed, the tokens
-- the earlier acquires took are given back and no later step runs.
--
-- Returns { granted (1 or 0), deficit after the step in microseconds } for each step that ran, one after another.
local now = tonumber(ARGV[1])

local function deficit_of(key)
  local stored = redis.call('GET', key)
  if not stored then
    return 0, false
  end
  return math.max(0, tonumber(stored) - now), true
end

-- The key lives exactly as long as the bucket is not full, plus a second for rounding: an expired key and a full
-- bucket are the same thing, so Redis forgets idle buckets by itself. The TTL is relative, so it does not matter
-- that Redis's clock and the node's differ.
local function store(key, d)
  if d <= 0 then
    redis.call('DEL', key)
  else
    redis.call('SET', key, string.format('%.0f', now + d), 'PX', math.ceil(d / 1000) + 1000)
  end
end

local out, taken = {}, {}
local function answer(granted, deficit)
  out[#out + 1] = granted
  out[#out + 1] = deficit
end
for i = 1, #KEYS do
  local arg = 2 + 4 * (i - 1)
  local op, t, capacity = ARGV[arg], tonumber(ARGV[arg + 1]), tonumber(ARGV[arg + 2])
  local deficit, stored = deficit_of(KEYS[i])
  if op == 'refund' then
    if stored then
      deficit = math.max(0, deficit - tonumber(ARGV[arg + 3]) * t)
      store(KEYS[i], deficit)
    end
    answer(1, deficit)
  elseif op == 'acquire' or op == 'peek' then
    local allowed = deficit <= (capacity - 1) * t
    if allowed and op == 'acquire' then
      deficit = deficit + t
      store(KEYS[i], deficit)
      taken[#taken + 1] = i
    end
    answer(allowed and 1 or 0, deficit)
    if not allowed then
      -- Refused: nothing is written for this step, and the earlier takes are undone, so an attacker hammering a
      -- locked key costs Redis no lasting writes.
      for _, j in ipairs(taken) do
        local d = deficit_of(KEYS[j])
        store(KEYS[j], math.max(0, d - tonumber(ARGV[2 + 4 * (j - 1) + 1])))
      end
      return out
    end
  else
    return redis.error_reply('unknown operation ' .. tostring(op))
  end
end
return out
