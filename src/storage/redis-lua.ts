// The Lua scripts of RedisStorage (src/storage/redis.ts). Each runs atomically in Redis, so one
// call stores, queries or removes a whole chunk of a batch in one round trip, and no other client
// sees an entry half-written. The layout they share (P is the index prefix followed by ':'):
//
//   P params            string  the index parameters as JSON, plus the layout version
//   P meta              hash    next (last id given out), level/split/fields (bucket table state)
//   P id                hash    key → 4-byte id (LE); ids are never reused
//   P e                 hash    4-byte id → record: band keys ‖ signature values ‖ key (UTF-8)
//   P p                 hash    4-byte id → band keys of an entry whose buckets are being written
//   P b:<band>:<n>      hash    bucket shard n of a band: 4-byte band key → packed 4-byte ids
//   P o:<band>:<key>    set     the ids of a bucket too large to keep inline (value "" in its shard)
//
// All numbers are little-endian u32 (struct.pack('<I4')). An entry is visible (has, size, keys,
// signatures) exactly when its record is in P e; the record is written after its buckets.
//
// Each band's buckets live in small hashes (shards), grown by linear hashing, all bands in step:
// the shard of band key h is h mod 2^level, or h mod 2^(level+1) when that is below `split`.
// When the shards hold more than LOAD fields each on average, shard `split` of every band is
// split in two. Shards then stay small enough (≤ 128 fields, values ≤ 64 bytes) for Redis to keep
// them as listpacks, about 6 bytes per field plus the value, instead of a hash table's ~60.

/** Ids kept inline in a bucket's shard value (48 bytes, under hash-max-listpack-value = 64). */
export const INLINE_IDS = 12;
/** Mean bucket fields per shard before a split. */
export const SHARD_LOAD = 48;
/** Version of the key layout above, stored with the parameters. */
export const REDIS_LAYOUT = 1;

// ARGV[1] prefix (with ':'), ARGV[2] bands, ARGV[3] numPerm; the rest depends on the script.
const PRELUDE = `
local P = ARGV[1]
local BANDS = tonumber(ARGV[2])
local NUMPERM = tonumber(ARGV[3])
local META, IDS, ENTRIES, PENDING = P .. 'meta', P .. 'id', P .. 'e', P .. 'p'
local BK_LEN = BANDS * 4
local KEY_AT = BANDS * 4 + NUMPERM * 4 + 1
local INLINE = ${INLINE_IDS}
local LOAD = ${SHARD_LOAD}
local level, split, fields, dirty = 0, 0, 0, false

local function u32(s, at) return (struct.unpack('<I4', s, at)) end
local function le(n) return struct.pack('<I4', n) end

local function load_state()
  local st = redis.call('HMGET', META, 'level', 'split', 'fields')
  level = tonumber(st[1]) or 0
  split = tonumber(st[2]) or 0
  fields = tonumber(st[3]) or 0
end

local function save_state()
  if dirty then redis.call('HSET', META, 'level', level, 'split', split, 'fields', fields) end
  dirty = false
end

local function shard(j, h)
  local n = 2 ^ level
  local a = h % n
  if a < split then a = h % (2 * n) end
  return P .. 'b:' .. j .. ':' .. a
end

local function overflow(band, h) return P .. 'o:' .. band .. ':' .. h end

-- Splits shard 'split' of every band into itself and shard split + 2^level, then saves the
-- state at once: the shards and the state that addresses them must never disagree.
local function split_one()
  local n = 2 ^ level
  for j = 0, BANDS - 1 do
    local old, new = P .. 'b:' .. j .. ':' .. split, P .. 'b:' .. j .. ':' .. (split + n)
    local all = redis.call('HGETALL', old)
    local stay, move = {}, {}
    for i = 1, #all, 2 do
      local t = (u32(all[i], 1) % (2 * n) == split) and stay or move
      t[#t + 1] = all[i]
      t[#t + 1] = all[i + 1]
    end
    -- Rewritten from scratch, so a shard Redis had converted to a hash table is a listpack again.
    redis.call('DEL', old)
    if #stay > 0 then redis.call('HSET', old, unpack(stay)) end
    if #move > 0 then redis.call('HSET', new, unpack(move)) end
  end
  split = split + 1
  if split == n then level, split = level + 1, 0 end
  dirty = true
  save_state()
end

local function grow()
  while fields > LOAD * BANDS * (2 ^ level + split) do split_one() end
end

-- Adds 4-byte id idb to the bucket of band j under band key bk (4 bytes); a bucket is a set.
local function bucket_add(j, bk, idb)
  local h = u32(bk, 1)
  local key, f = shard(j, h), bk
  -- Most buckets are new (a document alone in its band): one call then.
  if redis.call('HSETNX', key, f, idb) == 1 then
    fields, dirty = fields + 1, true
    return
  end
  local v = redis.call('HGET', key, f)
  if v == '' then
    redis.call('SADD', overflow(j, h), u32(idb, 1))
  else
    for i = 1, #v, 4 do
      if string.sub(v, i, i + 3) == idb then return end
    end
    if #v >= INLINE * 4 then
      local ids = { u32(idb, 1) }
      for i = 1, #v, 4 do ids[#ids + 1] = u32(v, i) end
      redis.call('SADD', overflow(j, h), unpack(ids))
      redis.call('HSET', key, f, '')
    else
      redis.call('HSET', key, f, v .. idb)
    end
  end
end

local function bucket_remove(j, bk, idb)
  local h = u32(bk, 1)
  local key, f = shard(j, h), bk
  local v = redis.call('HGET', key, f)
  if not v then return end
  if v == '' then
    local o = overflow(j, h)
    redis.call('SREM', o, u32(idb, 1))
    if redis.call('SCARD', o) == 0 then
      redis.call('HDEL', key, f)
      fields, dirty = fields - 1, true
    end
    return
  end
  for i = 1, #v, 4 do
    if string.sub(v, i, i + 3) == idb then
      local rest = string.sub(v, 1, i - 1) .. string.sub(v, i + 4)
      if rest == '' then
        redis.call('HDEL', key, f)
        fields, dirty = fields - 1, true
      else
        redis.call('HSET', key, f, rest)
      end
      return
    end
  end
end

local function add_all(bks, idb)
  for j = 0, BANDS - 1 do bucket_add(j, string.sub(bks, j * 4 + 1, j * 4 + 4), idb) end
end

local function remove_all(bks, idb)
  for j = 0, BANDS - 1 do bucket_remove(j, string.sub(bks, j * 4 + 1, j * 4 + 4), idb) end
end

-- Runs main() and saves the bucket table state even if it fails half-way (a script is not rolled
-- back on error: what it wrote stays, so the state that addresses it must be saved too).
local function guarded(main)
  local ok, result = pcall(main)
  save_state()
  if ok then return result end
  if type(result) == 'table' then return result end
  return redis.error_reply(tostring(result))
end
`;

/**
 * Create-if-absent of the parameters. ARGV[1] the params key, ARGV[2] the JSON to store.
 * Returns the stored JSON (ours or the one found).
 */
export const INIT_PARAMS = `
local v = redis.call('GET', ARGV[1])
if v then return v end
redis.call('SET', ARGV[1], ARGV[2])
return ARGV[2]
`;

/**
 * Insert. ARGV[4] mode ('skip' | 'replace'), then triples: key, record, '1' if the entry goes in
 * buckets (its signature is not empty) else '0'. Returns per entry 1 if the key was stored
 * already (skipped or replaced), else 0.
 *
 * Per entry: the id (new, or the key's), then any bucket memberships left by an interrupted
 * write are removed (their band keys are in P p), then — replacing — the old record is retired
 * (P p first, so a failure still knows which buckets to clean), then the band keys go to P p,
 * the id into each bucket, and last the record. Re-running a failed insert redoes exactly this.
 */
export const INSERT = `${PRELUDE}
local MODE = ARGV[4]
return guarded(function()
  load_state()
  local out = {}
  for a = 5, #ARGV, 3 do
    local key, rec, bucketed = ARGV[a], ARGV[a + 1], ARGV[a + 2] == '1'
    local idb = redis.call('HGET', IDS, key)
    local old = idb and redis.call('HGET', ENTRIES, idb)
    out[#out + 1] = old and 1 or 0
    if not (old and MODE == 'skip') then
      if not idb then
        local id = redis.call('HINCRBY', META, 'next', 1)
        if id > 4294967295 then return redis.error_reply('neardup: index ' .. P .. ' has used all 2^32 entry ids') end
        idb = le(id)
        redis.call('HSET', IDS, key, idb)
      end
      local pend = redis.call('HGET', PENDING, idb)
      if old then
        local obks = string.sub(old, 1, BK_LEN)
        redis.call('HSET', PENDING, idb, obks)
        redis.call('HDEL', ENTRIES, idb)
        remove_all(obks, idb)
      elseif pend then
        remove_all(pend, idb)
      end
      local bks = string.sub(rec, 1, BK_LEN)
      if bucketed then
        redis.call('HSET', PENDING, idb, bks)
        add_all(bks, idb)
        grow()
      end
      redis.call('HDEL', PENDING, idb)
      redis.call('HSET', ENTRIES, idb, rec)
    end
  end
  return out
end)
`;

/**
 * Candidates. ARGV[4] the number of queries q, ARGV[5] their q × bands band keys (LE u32).
 * Returns one array of keys per query, each key once; ids whose entry is not complete are left out.
 */
export const CANDIDATES = `${PRELUDE}
load_state()
local Q, blob = tonumber(ARGV[4]), ARGV[5]
local out = {}
for q = 0, Q - 1 do
  local seen, keys = {}, {}
  local function take(idb)
    if seen[idb] then return end
    seen[idb] = true
    local rec = redis.call('HGET', ENTRIES, idb)
    if rec then keys[#keys + 1] = string.sub(rec, KEY_AT) end
  end
  for j = 0, BANDS - 1 do
    local at = (q * BANDS + j) * 4 + 1
    local bk = string.sub(blob, at, at + 3)
    local h = u32(bk, 1)
    local v = redis.call('HGET', shard(j, h), bk)
    if v == '' then
      for _, id in ipairs(redis.call('SMEMBERS', overflow(j, h))) do take(le(tonumber(id))) end
    elseif v then
      for i = 1, #v, 4 do take(string.sub(v, i, i + 3)) end
    end
  end
  out[q + 1] = keys
end
return out
`;

/** Signature values of keys ARGV[4…]: one bulk string (numPerm × 4 bytes) or nil per key. */
export const SIGNATURES = `${PRELUDE}
local out = {}
for a = 4, #ARGV do
  local idb = redis.call('HGET', IDS, ARGV[a])
  local rec = idb and redis.call('HGET', ENTRIES, idb)
  out[#out + 1] = rec and string.sub(rec, BK_LEN + 1, KEY_AT - 1) or false
end
return out
`;

/** Whether each key ARGV[4…] is stored (1) or not (0). */
export const HAS = `${PRELUDE}
local out = {}
for a = 4, #ARGV do
  local idb = redis.call('HGET', IDS, ARGV[a])
  out[#out + 1] = (idb and redis.call('HEXISTS', ENTRIES, idb) == 1) and 1 or 0
end
return out
`;

/**
 * Remove keys ARGV[4…]: the record first (the entry is invisible from then on, and P p keeps its
 * band keys until its buckets are clean), then its bucket memberships and those of an interrupted
 * write, then its id. Returns per key 1 if it was stored, else 0.
 */
export const REMOVE = `${PRELUDE}
return guarded(function()
  load_state()
  local out = {}
  for a = 4, #ARGV do
    local key = ARGV[a]
    local idb = redis.call('HGET', IDS, key)
    local rec = idb and redis.call('HGET', ENTRIES, idb)
    out[#out + 1] = rec and 1 or 0
    if idb then
      local pend = redis.call('HGET', PENDING, idb)
      if rec then
        local bks = string.sub(rec, 1, BK_LEN)
        redis.call('HSET', PENDING, idb, bks)
        redis.call('HDEL', ENTRIES, idb)
        remove_all(bks, idb)
      end
      if pend then remove_all(pend, idb) end
      redis.call('HDEL', PENDING, idb)
      redis.call('HDEL', IDS, key)
    end
  end
  return out
end)
`;

/**
 * One page of keys, by id. ARGV[4] first id, ARGV[5] most keys, ARGV[6] most ids to look at.
 * Returns { next id or 0 when done, keys }.
 */
export const KEYS_PAGE = `${PRELUDE}
local id, count, budget = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local last = tonumber(redis.call('HGET', META, 'next')) or 0
local keys, looked = {}, 0
while id <= last and #keys < count and looked < budget do
  local rec = redis.call('HGET', ENTRIES, le(id))
  if rec then keys[#keys + 1] = string.sub(rec, KEY_AT) end
  id, looked = id + 1, looked + 1
end
if id > last then id = 0 end
return { id, keys }
`;

/** The stored parameters' JSON, or nil: ARGV[1] the params key (a script, so no client keyPrefix is added). */
export const READ_PARAMS = `return redis.call('GET', ARGV[1])`;

/** Number of entries: ARGV[1] the prefix. */
export const SIZE = `return redis.call('HLEN', ARGV[1] .. 'e')`;
