-- An opaque access token remembers the refresh-token family it was issued with, so that revoking the family (by
-- /oauth/revoke or by reuse detection) ends its access tokens too. Null for tokens issued without a refresh token.
-- The family look-up uses refresh_tokens_by_family (V1).
ALTER TABLE access_tokens ADD COLUMN family_id TEXT;
