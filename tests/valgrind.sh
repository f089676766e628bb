#!/usr/bin/env bash
# LOG_COMPILER for `make check` under valgrind: any error or definite leak fails.
exec valgrind --quiet --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --track-origins=yes "$@"
