-- One redemption of an authorization code, atomically: the first marks it used, a later one marks it replayed.
--
-- KEYS[1] the code's hash (see RedisAuthorizationCodeStore)
-- ARGV[1] now (epoch ms, the exchanging node's clock)
--
-- Returns { outcome, field, value, ... } with outcome one of REDEEMED, REPLAYED, INVALID and the code's fields.
local expires = redis.call('HGET', KEYS[1], 'e')
if not expires then
  return { 'INVALID' }
end
local outcome
if redis.call('HEXISTS', KEYS[1], 'used') == 1 then
  redis.call('HSET', KEYS[1], 'replayed', '1')
  outcome = 'REPLAYED'
elseif tonumber(expires) <= tonumber(ARGV[1]) then
  return { 'INVALID' }
else
  redis.call('HSET', KEYS[1], 'used', ARGV[1])
  outcome = 'REDEEMED'
end
local fields = redis.call('HGETALL', KEYS[1])
table.insert(fields, 1, outcome)
return fields
