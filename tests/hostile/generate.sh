#!/usr/bin/env bash
# Item 2 of issue 13: generate -o DIR never deletes, moves or replaces a file mcubench did not
# write, leaves nothing behind, and creates folders with the user's umask.
# usage: generate.sh MCUBENCH SOURCE_DIR
mcb=$1 src=$2
. "$src/tests/hostile/lib.sh"
model=$src/models/mnist-conv16-int8.tflite

# a new folder gets 0777 & ~umask
(umask 022 && "$mcb" generate "$model" -o lib > /dev/null) || fail "generate into a new folder"
[[ $(stat -c %a lib) == 755 ]] || fail "lib has mode $(stat -c %a lib) under umask 022"
(umask 027 && "$mcb" generate "$model" -o lib027 > /dev/null) || fail "generate into lib027"
[[ $(stat -c %a lib027) == 750 ]] || fail "lib027 has mode $(stat -c %a lib027) under umask 027"
[[ -f lib/model.h && -f lib/model.c && -f lib/mcb_port.h ]] || fail "library incomplete"

# the user's files and folders in a library folder survive a new generate, untouched
echo "my notes" > lib/notes.txt
mkdir -p lib/sub/deeper && echo keep > lib/sub/deeper/keep.c
chmod 700 lib
echo "/* stale */" > lib/old_kernel.c
echo old_kernel.c >> lib/.mcubench-files # a file of ours that the new library does not need
before=$(snap lib | grep -Ev '(^| )\./(model\.[ch]|old_kernel\.c|\.mcubench-files|[a-z_0-9]+\.[ch])( |$)')
run 0 '' "$mcb" generate "$model" -o lib
[[ -f lib/notes.txt && $(cat lib/notes.txt) == "my notes" ]] || fail "notes.txt was lost"
[[ -f lib/sub/deeper/keep.c ]] || fail "a subfolder's file was lost"
[[ ! -e lib/old_kernel.c ]] || fail "a stale file of ours was not removed"
[[ $(stat -c %a lib) == 700 ]] || fail "the folder's mode changed to $(stat -c %a lib)"
after=$(snap lib | grep -Ev '(^| )\./(model\.[ch]|old_kernel\.c|\.mcubench-files|[a-z_0-9]+\.[ch])( |$)')
[[ $before == "$after" ]] || fail "files of the user's changed: $(diff <(echo "$before") <(echo "$after"))"
left=$(ls -A | grep -Ev '^(lib|lib027|\.out|\.err)$')
[[ -z $left ]] || fail "left behind beside the folder: $left"
[[ -z $(ls -A lib | grep -E 'tmp|old') ]] || fail "left behind inside: $(ls -A lib)"

# a folder of someone else's (not empty, no library of ours) is refused and untouched
mkdir mine && echo data > mine/data.csv && mkdir mine/sub
s0=$(snap mine)
run 1 '^mcubench: mine: exists, is not empty and holds no library of mcubench generate: not replaced$' \
  "$mcb" generate "$model" -o mine
[[ $(snap mine) == "$s0" ]] || fail "a refused folder was changed"

# a file of the user's where one of ours goes (not in our manifest) is refused, nothing moves
grep -v '^mcb_port.h$' lib/.mcubench-files > m && mv m lib/.mcubench-files
echo "/* my port */" > lib/mcb_port.h
s0=$(snap lib)
run 1 '^mcubench: lib/mcb_port.h: exists and was not written by mcubench generate: not replaced$' \
  "$mcb" generate "$model" -o lib
[[ $(snap lib) == "$s0" ]] || fail "a refused generate changed the folder"

# a file (not a folder) as DIR is refused
echo x > afile
run 1 '^mcubench: afile: exists and is not a folder: not replaced$' "$mcb" generate "$model" -o afile
[[ $(cat afile) == x ]] || fail "afile changed"
left=$(ls -A | grep -Ev '^(lib|lib027|mine|afile|\.out|\.err)$')
[[ -z $left ]] || fail "left behind: $left"
echo "generate: ok"
