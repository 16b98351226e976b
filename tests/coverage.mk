# make coverage: line and branch coverage of the library's layers
# after the whole suite, from a gcc --coverage build in $(COV_B); the
# summary is also left in $(COV_B)/coverage.txt.  Included by the Makefile.
COV_B ?= $(B)/cov

coverage:
	@mkdir -p $(COV_B)
	@find $(COV_B) -name '*.gcda' -delete
	@status=0; $(MAKE) B=$(COV_B) CC=gcc OPT='-O0 -g' SAN='--coverage' test || status=$$?; \
	  sh tests/coverage.sh $(COV_B); exit $$status

.PHONY: coverage
