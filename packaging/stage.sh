#!/usr/bin/env bash
# Lays out the files the packages carry besides the app (the CLI, the service unit, the env template,
# shell completions, the man page) under target/dist/stage, and writes target/dist/bundle.json: the
# bundler configuration that maps them into the .deb and .rpm. Completions and the man page come from
# the CLI itself when it has the commands for them; otherwise they are left out with a note.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli="$root/target/release/hookdesk"
stage="$root/target/dist/stage"
rm -rf "$stage" && mkdir -p "$stage"

files=()
add() { # add DEST SOURCE
  files+=("\"$1\": \"$2\"")
}
add /usr/bin/hookdesk "$cli"
add /usr/lib/systemd/system/hookdesk.service "$root/packaging/hookdesk.service"
add /etc/hookdesk/env "$root/packaging/env"

if "$cli" completions bash >/dev/null 2>&1; then
  "$cli" completions bash > "$stage/hookdesk.bash"
  "$cli" completions zsh > "$stage/_hookdesk"
  "$cli" completions fish > "$stage/hookdesk.fish"
  add /usr/share/bash-completion/completions/hookdesk "$stage/hookdesk.bash"
  add /usr/share/zsh/vendor-completions/_hookdesk "$stage/_hookdesk"
  add /usr/share/fish/vendor_completions.d/hookdesk.fish "$stage/hookdesk.fish"
else
  echo "note: this hookdesk has no 'completions' command; the packages carry no shell completions"
fi
man=""
for cmd in man manpage man-page; do
  if "$cli" "$cmd" >/dev/null 2>&1; then man="$cmd"; break; fi
done
if [ -n "$man" ]; then
  "$cli" "$man" > "$stage/hookdesk.1"
  gzip -9n "$stage/hookdesk.1"
  add /usr/share/man/man1/hookdesk.1.gz "$stage/hookdesk.1.gz"
else
  echo "note: this hookdesk has no man page command; the packages carry no man page"
fi

map="$(IFS=,; echo "${files[*]}")"
cat > "$root/target/dist/bundle.json" <<JSON
{
  "bundle": {
    "linux": {
      "deb": { "files": { $map } },
      "rpm": { "files": { $map } }
    }
  }
}
JSON
echo "staged: ${#files[@]} files -> target/dist/bundle.json"
