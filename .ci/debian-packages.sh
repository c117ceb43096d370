# Debian's packages docket's tests need (sourced by .ci/run; the README's "Running the tests"
# lists the same). Chromium for the browser tests; Go and golang.org/x/mod for the
# verifiable log's cross-check; Tesseract and its language packs for reading scans;
# Dovecot for the mailbox poller's tests; fonts for the generated letters.
DEBIAN_PACKAGES=(
  chromium golang-go golang-golang-x-mod-dev
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-kaz tesseract-ocr-chi-sim
  tesseract-ocr-tur tesseract-ocr-deu tesseract-ocr-spa
  dovecot-imapd
  fonts-dejavu-core fonts-wqy-microhei
)
