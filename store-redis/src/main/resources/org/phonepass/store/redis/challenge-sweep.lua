-- Deletes the challenge sets whose every challenge expired before the cutoff, for a batch of index members the
-- caller read with ZRANGEBYSCORE. Redis's native expiry already removes the data; this keeps the index small and
-- gives deleteExpired the SQL store's meaning. Each member's score is checked again here, because a create may
-- have renewed it between the caller's read and this script.
--
-- KEYS[1] the expiry index; KEYS[2..n] the challenge keys of the members in ARGV[2..n], in the same order
-- ARGV[1] the cutoff (epoch ms)
-- Returns the number of challenges deleted.
local cutoff = tonumber(ARGV[1])
local deleted = 0
for i = 2, #KEYS do
  local member = ARGV[i]
  local score = redis.call('ZSCORE', KEYS[1], member)
  if score and tonumber(score) < cutoff then
    local raw = redis.call('GET', KEYS[i])
    if raw then
      -- Every challenge in the set expires no later than the score, so all of them are past the cutoff.
      deleted = deleted + #cjson.decode(raw)
      redis.call('DEL', KEYS[i])
    end
    redis.call('ZREM', KEYS[1], member)
  end
end
return deleted
