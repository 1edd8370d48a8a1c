# The set-up is complete: every command that the scripts and tests run (found by reading them:
# the first word of every simple command, outside comments, quotes and here-documents) is
# installed, and comes from a package that scripts/setup.sh installs (or one they depend on) or
# from Debian's required base. A command the scripts only use after `command -v NAME` (an optional
# tool) may be absent. Fails naming the command, the file that runs it and the package to add.
set -euo pipefail
root=${EOS_SOURCE_DIR:?}
cd "$root"
scanned=(scripts/*.sh tests/*.sh slurm/* .ci/run)

# The commands in command position of a bash script, one per line: "WORD". Also prints
# "def NAME" for the functions it defines and "opt NAME" for `command -v NAME` checks.
commands_of() {
  LC_ALL=C awk '
    BEGIN { RS = "\001" }
    function emit(w) { if (w ~ /^[a-z][a-z0-9._+-]*$/) print w }
    function word_end(   w) {
      w = cur; cur = ""
      if (w == "") return
      if (prev_cmdv) { print "opt " w; prev_cmdv = 0 }
      if (w == "-v" && last == "command") prev_cmdv = 1
      last = w
      if (!at_cmd) return
      if (w ~ /^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=/) return
      if (w ~ /^(then|do|else|elif|if|while|until|time|exec|command|sudo|!|nice|nohup)$/) return
      if (w ~ /^(case|for|select)$/) { at_cmd = 0; skip_to = "in"; return }
      if (w ~ /^(fi|done|esac|in|function)$/) { at_cmd = (w != "function"); if (w == "function") fn_next = 1; return }
      if (fn_next) { print "def " w; fn_next = 0; at_cmd = 0; return }
      pending = w
      at_cmd = 0
    }
    function flush() { if (pending != "") emit(pending); pending = "" }
    {
      s = $0; n = length(s); cur = ""; at_cmd = 1; depth = 0; sp = 0; heredoc = ""
      for (i = 1; i <= n; i++) {
        c = substr(s, i, 1); peek = substr(s, i + 1, 1)
        top = sp > 0 ? st[sp] : "N"
        if (top == "S") { if (c == "\x27") sp--; continue }
        if (top == "D") {
          if (c == "\\") { i++; continue }
          if (c == "\"") { sp--; continue }
          if (c == "$" && peek == "(" && substr(s, i + 2, 1) == "(") { st[++sp] = "M"; mdepth[sp] = 1; i += 2; continue }
          if (c == "$" && peek == "(") { flush(); st[++sp] = "C"; saved[sp] = cur; saved_cmd[sp] = at_cmd; cur = ""; i++; at_cmd = 1; continue }
          if (c == "$" && peek == "{") { st[++sp] = "B"; bdepth[sp] = 1; i++; continue }
          continue
        }
        if (top == "A") { if (c == ")") sp--; continue }
        if (top == "M") { if (c == "(") mdepth[sp]++; else if (c == ")" && --mdepth[sp] == 0) { sp--; i++ } continue }
        if (top == "B") { if (c == "{") bdepth[sp]++; else if (c == "}" && --bdepth[sp] == 0) sp--; continue }
        # N (top level) or C (inside $( ... ))
        if (c == "\\") { cur = cur substr(s, i, 2); i++; continue }
        if (c == "\x27") { cur = cur "Q"; st[++sp] = "S"; continue }
        if (c == "\"") { cur = cur "Q"; st[++sp] = "D"; continue }
        if (c == "#" && cur == "") { while (i <= n && substr(s, i, 1) != "\n") i++; c = "\n" }
        if (c == "$" && peek == "(" && substr(s, i + 2, 1) == "(") { cur = cur "A"; st[++sp] = "M"; mdepth[sp] = 1; i += 2; continue }
        if (c == "$" && peek == "(") { flush(); st[++sp] = "C"; saved[sp] = cur; saved_cmd[sp] = at_cmd; cur = ""; i++; at_cmd = 1; continue }
        if (c == "$" && peek == "{") { cur = cur "V"; st[++sp] = "B"; bdepth[sp] = 1; i++; continue }
        if (c == "<" && peek == "<" && substr(s, i + 2, 1) != "<") {
          j = i + 2; if (substr(s, j, 1) == "-") j++
          tag = ""
          while (j <= n && substr(s, j, 1) ~ /[ \t"\x27]/) j++
          while (j <= n && substr(s, j, 1) ~ /[A-Za-z0-9_]/) { tag = tag substr(s, j, 1); j++ }
          while (j <= n && substr(s, j, 1) ~ /["\x27]/) j++
          heredoc = tag; i = j - 1; continue
        }
        if (c == " " || c == "\t") { word_end(); continue }
        if (c == "\n") {
          word_end(); flush(); at_cmd = 1
          if (heredoc != "") {   # skip the here-document to its closing line
            while (i < n) {
              e = index(substr(s, i + 1), "\n"); line = e ? substr(s, i + 1, e - 1) : substr(s, i + 1)
              i += e ? e : n; gsub(/^[ \t]+|[ \t]+$/, "", line)
              if (line == heredoc || e == 0) break
            }
            heredoc = ""
          }
          continue
        }
        if (c == "(") {
          if (cur ~ /=$/) { cur = ""; st[++sp] = "A"; continue }   # an array: NAME=( ... )
          if (peek == "(") { st[++sp] = "M"; mdepth[sp] = 2; i++; continue }  # (( arithmetic ))
          word_end(); flush(); depth++; at_cmd = 1; continue
        }
        if (c == ")") {
          if (top == "C" && depth == 0) { word_end(); flush(); cur = saved[sp] "S"; at_cmd = saved_cmd[sp]; sp--; continue }
          if (depth == 0) { word_end(); pending = ""; at_cmd = 1; continue }   # a case pattern
          word_end(); flush(); depth--; at_cmd = 1; continue
        }
        if (c ~ /[;|&{}!`]/) {
          if (c == "{" && cur != "") { cur = cur c; continue }
          if (c == "}" && cur ~ /^\$/) { cur = cur c; continue }
          word_end(); flush(); at_cmd = 1; continue
        }
        cur = cur c
      }
      word_end(); flush()
    }' "$1"
  # Functions defined as NAME() {
  grep -oE '^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*\(\)' "$1" | sed -E 's/^[[:space:]]*/def /; s/\(\)$//' || true
}

# The packages scripts/setup.sh installs for the tests (its own list), and every package they
# depend on, as installed.
setup_packages() { scripts/setup.sh --list --with-tests --with-slurm; }
# The packages named and every installed package they depend on (one dpkg-query for all).
closure() {
  dpkg-query -W -f='${Package}\t${Status}\t${Depends}, ${Pre-Depends}\n' 2>/dev/null |
    awk -F'\t' -v roots="$*" '
      $2 ~ /install ok installed/ { deps[$1] = $3; installed[$1] = 1 }
      END {
        n = split(roots, q, " "); head = 1
        while (head <= n) {
          p = q[head++]
          if (p in seen) continue
          seen[p] = 1; print p
          m = split(deps[p], d, /[,|]/)
          for (k = 1; k <= m; k++) {
            x = d[k]; sub(/\(.*/, "", x); sub(/:any/, "", x); gsub(/[ \t]/, "", x)
            if (x != "" && (x in installed) && !(x in seen)) q[++n] = x
          }
        }
      }'
}

declare -A defined=() optional=() where=() provided=()
for f in "${scanned[@]}"; do
  while read -r kind name; do
    if [ -z "$name" ]; then
      name=$kind
      kind=cmd
    fi
    case "$kind" in
      def) defined[$name]=1 ;;
      opt) optional[$name]=1 ;;
      cmd) [ -n "${where[$name]:-}" ] || where[$name]=$f ;;
    esac
  done < <(commands_of "$f")
done
for p in $(closure $(setup_packages)); do provided[$p]=1; done

# Every command the scripts run, where the shell finds it; then, in one dpkg call each, the
# package of every such file (on a merged-/usr system dpkg may know /bin/ss where the shell
# finds /usr/bin/ss: both spellings are asked) and the priority of every package.
problems=0
declare -A path=() owner=() priority=()
for cmd in "${!where[@]}"; do
  [ -n "${defined[$cmd]:-}" ] && continue
  t=$(type -t "$cmd" 2>/dev/null || true)
  [ "$t" = builtin ] || [ "$t" = keyword ] && continue
  p=$(PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" 2>/dev/null || true)
  if [ -z "$p" ]; then
    [ -n "${optional[$cmd]:-}" ] && continue
    echo "setup: '$cmd' (run by ${where[$cmd]}) is not installed: add its Debian package to scripts/setup.sh" >&2
    problems=$((problems + 1))
    continue
  fi
  path[$cmd]=$(readlink -f "$p")
done
spellings=()
for f in "${path[@]}"; do spellings+=("$f" "${f/#\/usr\//\/}" "/usr$f"); done
while IFS=': ' read -r pkg file; do
  owner[$file]=${pkg%%,*}
done < <(dpkg -S "${spellings[@]}" 2>/dev/null | sed 's/^\([^:]*\)\(:[a-z0-9]*\)\?: /\1: /' || true)
while IFS=$'\t' read -r pkg prio ess; do priority[$pkg]="$prio $ess"; done < <(dpkg-query -W -f='${Package}\t${Priority}\t${Essential}\n')

checked=0
for cmd in "${!path[@]}"; do
  checked=$((checked + 1))
  f=${path[$cmd]}
  pkg=${owner[$f]:-${owner[${f/#\/usr\//\/}]:-${owner[/usr$f]:-}}}
  [ -z "$pkg" ] && continue  # not from a package (built here, e.g. eos-sweep)
  case "${priority[$pkg]:-}" in required* | *yes) continue ;; esac
  if [ -z "${provided[$pkg]:-}" ] && [ -z "${optional[$cmd]:-}" ]; then
    echo "setup: '$cmd' (run by ${where[$cmd]}) comes from package $pkg, which scripts/setup.sh does not install" >&2
    problems=$((problems + 1))
  fi
done
[ "$problems" -eq 0 ] || { echo "setup: $problems commands missing from scripts/setup.sh" >&2; exit 1; }
echo "setup: ok ($checked commands the scripts run, all installed by scripts/setup.sh or the base system)"
