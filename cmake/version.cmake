# Writes the version source with the current git commit; run at every build (cmake -P), it
# rewrites the file only when the commit changed, so a rebuild after a commit is labelled right.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SRC_DIR} OUTPUT_VARIABLE EOS_GIT_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no
  WORKING_DIRECTORY ${SRC_DIR} OUTPUT_VARIABLE EOS_GIT_DIRTY
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT EOS_GIT_COMMIT)
  set(EOS_GIT_COMMIT "unknown")
elseif(EOS_GIT_DIRTY)
  set(EOS_GIT_COMMIT "${EOS_GIT_COMMIT}-dirty")
endif()
configure_file(${SRC_DIR}/src/util/version.cpp.in ${DST} @ONLY)
