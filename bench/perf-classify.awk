# Buckets the samples of `perf script` output (one blank-line separated block per sample: a header line, then
# the stack, leaf first) by where the server spent its CPU. Used by bench/profile.sh.
#
# Native SQLite and libcrypto frames carry no frame pointers, so their stacks often stop at the library; those
# samples are bucketed by the leaf's library instead of by their managed caller. The first matching rule wins.
#
# Output: "<percent>\t<samples>\t<bucket>" per bucket, then "100.0\t<total>\ttotal".

BEGIN { RS = ""; FS = "\n" }

{
    total++
    header = $1
    leaf = $2
    dso = leaf
    sub(/^.*\(/, "", dso)
    sub(/\)[ \t]*$/, "", dso)
    stack = $0

    if (header ~ /^\.NET Tiered/) b = "JIT: background tier-up"
    else if (header ~ /^\.NET (Server|BGC|Background)/ || stack ~ /gc_heap|WKS::|SVR::/) b = "GC"
    else if (dso ~ /libclrjit/) b = "JIT: on request threads"
    else if (dso ~ /libe_sqlite3/) b = "SQLite engine (native)"
    else if (stack ~ /EntityFrameworkCore|Microsoft\.Data\.Sqlite|SQLitePCL|AccountQueries|AccessPolicy/) b = "EF Core + ADO.NET (managed)"
    else if (stack ~ /Microsoft\.AspNetCore\.Mvc\.Razor|TagHelper|AspNetCoreGeneratedDocument/) b = "Razor rendering"
    else if (stack ~ /System\.Text\.Json/) b = "JSON serialization"
    else if (dso ~ /libcrypto/ || stack ~ /Authentication|DataProtection|Antiforgery|Cryptography/) b = "Auth, data protection, crypto"
    else if (stack ~ /HealthCheck/) b = "Health check (other)"
    else if (dso ~ /kernel/) b = "Kernel (network, scheduling)"
    else if (stack ~ /Kestrel|Microsoft\.AspNetCore/) b = "ASP.NET Core pipeline (other)"
    else b = "Runtime, thread pool, libc (unattributed)"
    n[b]++
}

END {
    for (b in n) printf "%.1f\t%d\t%s\n", 100 * n[b] / total, n[b], b
    printf "100.0\t%d\ttotal\n", total
}
