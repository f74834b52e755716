-- A sliding-window counter per key: a hash from time-slice number to the events counted in that slice.
--
-- KEYS    the counters: one for count; one or more for incr, each incremented once (a key listed twice counts
--         twice), so that a caller counting one event under several keys makes one round trip
-- ARGV[1] operation: incr | count
-- ARGV[2] the current slice number (floor(now / slice length), on the calling node's clock)
-- ARGV[3] slices per window; a count covers the current slice and the ARGV[3] before it, so an event is counted
--         for at least one window and at most one window plus a slice, never forgotten early
-- ARGV[4] time to live of a key in milliseconds (window plus two slices), refreshed on every increment
-- ARGV[5] how many of the first KEYS are not counters but keys to delete first (the rate limiter's buckets that an
--         accepted code clears), so that the writes after a success are one round trip; 0 when absent
--
-- Returns the count of the last key after the operation.
local current = tonumber(ARGV[2])
local oldest = current - tonumber(ARGV[3])

local function apply(key)
  if ARGV[1] == 'incr' then
    redis.call('HINCRBY', key, ARGV[2], 1)
    redis.call('PEXPIRE', key, ARGV[4])
  end
  local fields = redis.call('HGETALL', key)
  local total = 0
  local stale = {}
  for i = 1, #fields, 2 do
    local slice = tonumber(fields[i])
    if slice >= oldest and slice <= current then
      total = total + tonumber(fields[i + 1])
    elseif slice < oldest then
      stale[#stale + 1] = fields[i]
    end
  end
  -- Slices that left the window are dropped on the next increment, so a key that is busy for days (and therefore
  -- never expires) still holds at most slices + 1 fields.
  if ARGV[1] == 'incr' and #stale > 0 then
    redis.call('HDEL', key, unpack(stale))
  end
  return total
end

local deletes = tonumber(ARGV[5] or '0')
for k = 1, deletes do
  redis.call('DEL', KEYS[k])
end

local total = 0
for k = deletes + 1, #KEYS do
  total = apply(KEYS[k])
end
return total
