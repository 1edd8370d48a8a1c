# The layers of docs/architecture.md, checked on the source tree: every file includes only its
# own layer and the layers below it; MPI headers appear only in the exec layer's own sources
# (src/exec: no public header names an MPI type) and only the exec target links MPI; no source
# file is longer than 500 lines; every file opens with a comment that says what it is for.
set -euo pipefail
root=${EOS_SOURCE_DIR:?}
cd "$root"

# Each layer and what it may include, lowest first (models/ belongs to the model layer).
declare -A allowed=(
  [util]="util"
  [numerics]="util numerics"
  [config]="util config"
  [data]="util numerics data"
  [model]="util numerics config data model models"
  [models]="util numerics config data model models"
  [gd]="util numerics config data model models gd"
  [grid]="util numerics config data model models gd grid"
  [io]="util numerics config data model models gd grid io"
  [exec]="util numerics config data model models gd grid io exec"
  [post]="util numerics config data model models gd grid io post"
  [cli]="util numerics config data model models gd grid io exec post cli"
)

problems=0
bad() {
  echo "layers: $*" >&2
  problems=$((problems + 1))
}

files=$(find src include -type f \( -name '*.h' -o -name '*.cpp' -o -name '*.in' \) | sort)
for f in $files; do
  case "$f" in
    include/eos/*) layer=${f#include/eos/} ;;
    src/*) layer=${f#src/} ;;
  esac
  layer=${layer%%/*}
  [ -n "${allowed[$layer]:-}" ] || { bad "$f: not in a layer folder (${!allowed[*]})"; continue; }
  while IFS= read -r inc; do
    target=${inc#*\"eos/}
    target=${target%%/*}
    case " ${allowed[$layer]} " in
      *" $target "*) ;;
      *) bad "$f ($layer) includes eos/$target, an upper or unknown layer: $inc" ;;
    esac
  done < <(grep -E '^#include "eos/' "$f" || true)
  if grep -qE '^#include [<"](mpi\.h|boost/mpi)' "$f"; then
    case "$f" in
      src/exec/*) ;;
      *) bad "$f includes an MPI header (only the exec layer's sources in src/exec may)" ;;
    esac
  fi
  lines=$(wc -l < "$f")
  [ "$lines" -le 500 ] || bad "$f has $lines lines (at most 500)"
  head -1 "$f" | grep -q '^//' || bad "$f does not open with a comment saying what it is for"
done

# Only the exec layer links MPI.
while IFS= read -r line; do
  case "$line" in
    *"eos_layer(exec "*) ;;
    *) bad "CMakeLists.txt links MPI outside the exec layer: $line" ;;
  esac
done < <(grep -nE 'MPI::|Boost::mpi' CMakeLists.txt | grep -v find_package || true)

[ "$problems" -eq 0 ] || { echo "layers: $problems problems" >&2; exit 1; }
echo "layers: ok ($(echo "$files" | wc -l) files)"
