# The README's test command, split in two so CI can run the tests twice after one install.
# Keep it identical to the README: python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest
install_test_environment() {
  python3 -m venv .venv
  .venv/bin/pip install -q -e '.[test]'
}
run_tests() {
  .venv/bin/pytest -n 2 -q
}
