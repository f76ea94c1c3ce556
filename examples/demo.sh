#!/usr/bin/env bash
# grove's main job, `npm run demo`: the demo of the talk grove comes from ("Containerizing the distribution",
# DevConf.cz 2016), for real, as the invoking user (no root needed for grove itself).
#
# 1. Builds the small realistic repositories if absent (bench/make-corpus: RPMs converted from Debian's apache2
#    and postgresql-15 closures, plus an update repository with rebuilt libssl3 and openssl).
# 2. In a fresh grove directory, assembles `web` from apache2, then `db` from postgresql-15, and shows that
#    `db` downloaded exactly the packages `web` did not have; both roots share the rest on disk.
# 3. Adds the update repository: `grove upgrade` fetches just the two rebuilt packages and builds new
#    generations; a second `grove upgrade` is a no-op; `grove rollback web` goes back.
#
# Environment: GROVE_DEMO_DIR (default: a new directory under ${TMPDIR:-/tmp}) holds the grove directory and is
# kept afterwards so you can look around.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
bench_out="$repo_root/bench/out"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ ! -f packages/cli/dist/grove.js ]; then
  say "building grove (npm run build)"
  npm run build
fi

build_corpus() { # OUTDIR ARGS...
  local out="$1"
  shift
  if [ -f "$out/corpus.json" ] && [ -f "$out/repodata/repomd.xml" ]; then
    echo "repository $out is there"
  else
    local tool missing=()
    for tool in apt-get dpkg-deb rpmbuild createrepo_c; do
      command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
      echo "error: building the demo repositories needs ${missing[*]}; on Debian/Ubuntu:" >&2
      echo "  sudo apt-get install rpm createrepo-c" >&2
      exit 1
    fi
    say "building repository $out (bench/make-corpus; a few minutes the first time)"
    bench/make-corpus "$@"
  fi
}
build_corpus "$bench_out/apache2" "$bench_out/apache2" apache2
build_corpus "$bench_out/postgresql-15" "$bench_out/postgresql-15" postgresql-15
build_corpus "$bench_out/updates-ssl" --update "$bench_out/updates-ssl" libssl3 openssl

demo_dir="${GROVE_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/grove-demo.XXXXXX")}"
store="$demo_dir/grove"
if [ -e "$store" ]; then
  echo "error: $store exists; the demo needs a fresh grove directory (unset GROVE_DEMO_DIR or remove it)" >&2
  exit 1
fi
grove() { # commands are echoed on standard error, so that standard output can be redirected
  echo "\$ grove $*" >&2
  node "$repo_root/packages/cli/dist/grove.js" --store "$store" "$@"
}
timed() { # LABEL COMMAND...: run, then print the wall-clock time
  local label="$1" start end
  shift
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  echo "($label: $(((end - start) / 1000000)) ms)" >&2
}

say "a fresh grove directory, as $(id -un) (uid $(id -u))"
grove init
grove repo add apache2 "$bench_out/apache2"
grove repo add postgresql "$bench_out/postgresql-15"

# The corpus repositories were built without Recommends (apt --no-install-recommends); ask for the same.
say "assemble web from apache2: an empty store downloads everything"
timed "assemble web" grove assemble web apache2 --no-weak-deps

say "assemble db from postgresql-15: only what web does not have is downloaded"
timed "assemble db" grove assemble db postgresql-15 --no-weak-deps --json >"$demo_dir/db.json"
grove list --json >"$demo_dir/list.json"
node --input-type=module - "$demo_dir/db.json" "$store" <<'EOF'
import { readFileSync } from "node:fs";
import path from "node:path";
const [db] = JSON.parse(readFileSync(process.argv[2], "utf8"));
const store = process.argv[3];
const web = JSON.parse(
  readFileSync(path.join(store, "state", "roots", "web", "1.json"), "utf8"),
).packages.map((p) => p.nevra);
const difference = db.packages.filter((nevra) => !web.includes(nevra));
const same =
  difference.length === db.downloaded.length && difference.every((nevra) => db.downloaded.includes(nevra));
console.log(`db: ${db.packages.length} packages; downloaded ${db.downloaded.length}:`);
for (const nevra of db.downloaded) console.log(`  ${nevra}`);
console.log(
  `the other ${db.packages.length - db.downloaded.length} packages were already in the store (web has them).`,
);
console.log(
  same
    ? `downloaded == packages(db) - packages(web): yes (${difference.length} packages)`
    : "downloaded != packages(db) - packages(web): UNEXPECTED",
);
if (!same) process.exit(1);
EOF
echo "disk (du): each root alone, then both together, where files they share are counted once:"
du -sh "$store/roots/web.1" | sed 's/^/  /'
du -sh "$store/roots/db.1" | sed 's/^/  /'
du -shc "$store/roots/web.1" "$store/roots/db.1" | tail -1 | sed 's/^/  /'

say "an update appears (rebuilt libssl3 and openssl): upgrade fetches just those"
grove repo add updates "$bench_out/updates-ssl"
timed "upgrade" grove upgrade
echo "roots/web -> $(readlink "$store/roots/web"), roots/db -> $(readlink "$store/roots/db")"

say "nothing new: upgrade does nothing"
timed "no-op upgrade" grove upgrade

say "roll web back to the generation before the update"
grove rollback web
grove list

echo
echo "The grove directory is $store (roots in $store/roots)."
