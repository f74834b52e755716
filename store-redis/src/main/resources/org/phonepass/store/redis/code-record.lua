-- Records the hashes of the tokens a redemption issued, unless the code was replayed meanwhile.
--
-- KEYS[1] the code's hash
-- ARGV[1] the refresh token's hash, hex, or ''
-- ARGV[2] the access token's hash, hex, or ''
--
-- Returns 1 when recorded, 0 when the code is gone or was replayed (the caller revokes what it issued).
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'replayed') == 1 then
  return 0
end
if ARGV[1] ~= '' then
  redis.call('HSET', KEYS[1], 'rt', ARGV[1])
end
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'at', ARGV[2])
end
return 1
