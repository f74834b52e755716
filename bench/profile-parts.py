#!/usr/bin/env python3
# Sums async-profiler collapsed stacks (bench/run --profile) into the parts of a request that docs/benchmarks.md
# reports ("CPU beside the signature"): JIT and GC by thread, the signature wherever it is on the stack, anything
# else by the frame nearest the leaf that names a part. Usage: bench/profile-parts.py [--by-client] profile-*.collapsed
# --by-client (docs/benchmarks.md, "PostgreSQL + Redis, the application node's CPU"): a stack with a frame of a
# storage client (SQLite, pgjdbc, HikariCP, Lettuce, netty) anywhere on it goes to that client, kernel calls and
# waits included, so that the cost of talking to PostgreSQL and Redis shows whole; without it the earlier sections'
# categories are unchanged.
import sys, collections
# Sums async-profiler collapsed stacks into categories (first match wins, in this order).
CATS = [
 ("JIT compiler", ["CompileBroker::", "C2Compiler", "Compilation::", "CompilerThread"]),
 ("GC", ["GCTaskThread", "VM_GenCollect", "SerialHeap", "GenCollectedHeap", "DefNewGeneration", "TenuredGeneration", "G1"]),
 ("RS256/ES256 signature", ["RSASSASigner.sign", "ECDSASigner.sign", "Ed25519Signer.sign"]),
 ("TLS handshake", ["SSLHandshake", "HandshakeContext", "ssl/ClientHello", "CertificateVerify", "KeyShareExtension", "SSLEngineImpl.writeRecord" , "TransportContext.kickstart"]),
 ("audit line (log)", ["LoggingAuditLog"]),
 ("phone parse", ["PhoneNumberParser", "phonenumbers"]),
 ("SQLite / JDBC", ["org/sqlite", "org.sqlite", "sqlite3", "Jdbc", "StatementCache", "hikari", "WalSync", "UnitOfWork"]),
 ("JSON (Jackson)", ["jackson", "Responder"]),
 ("TLS records", ["sun/security/ssl", "sun.security.ssl", "SSLEngine", "SslConnection", "GaloisCounterMode", "AESCrypt", "com/amazon/corretto", "com.amazon.corretto"]),
 ("Jetty / Javalin / servlet", ["jetty", "javalin", "Javalin", "servlet", "BodyPrefetchFilter"]),
 ("abuse limits", ["abuse", "limits", "Bucket", "bucket4j"]),
 ("token service (other)", ["TokenService", "LoginService", "CodeHasher", "NimbusTokenSigner"]),
 ("kernel / syscalls", ["_[k]", "entry_SYSCALL", "__x64_sys", "do_syscall"]),
 ("JVM runtime / libc", ["libc", "libjvm", "Unsafe", "Interpreter"]),
]
# With --by-client, first match wins, after JIT, GC and the signature: SQLite before HikariCP, which wraps it too.
CLIENTS = [
 ("SQLite (whole stack)", ["org/sqlite", "org.sqlite"]),
 ("pgjdbc (whole stack)", ["org/postgresql", "org.postgresql"]),
 ("HikariCP (whole stack)", ["com/zaxxer/hikari", "com.zaxxer.hikari"]),
 ("Lettuce / netty (whole stack)", ["io/lettuce", "io.lettuce", "io/netty", "io.netty"]),
]
by_client = "--by-client" in sys.argv
files = [a for a in sys.argv[1:] if a != "--by-client"]
THREAD = CATS[:2]
LEAF = CATS[2:]
def cat(stack):
    for name, keys in THREAD:
        for k in keys:
            if k in stack:
                return name
    # the signature wins wherever it is on the stack; else the frame nearest the leaf that names a category
    for k in CATS[2][1]:
        if k in stack:
            return CATS[2][0]
    if by_client:
        for name, keys in CLIENTS:
            for k in keys:
                if k in stack:
                    return name
    for frame in reversed(stack.split(";")):
        for name, keys in LEAF[1:]:
            for k in keys:
                if k in frame:
                    return name
    return "other"
tot = collections.Counter()
for f in files:
    for line in open(f):
        line=line.rstrip()
        if not line: continue
        stack, _, n = line.rpartition(" ")
        tot[cat(stack)] += int(n)
all_ = sum(tot.values())
req = all_ - tot["JIT compiler"] - tot["GC"]
sig = tot["RS256/ES256 signature"]
print(f"samples {all_}; request path (not JIT/GC) {req}; signature {sig}")
for k,v in tot.most_common():
    print(f"  {k:28s} {v:7d} {100*v/all_:5.1f}% of all  {v/sig if sig else 0:5.2f}x signature")
print(f"non-signature request-path samples / signature samples = {(req-sig)/sig:.2f}; with JIT+GC {(all_-sig)/sig:.2f}")
