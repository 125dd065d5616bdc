;;; eglot_driver.el --- Drive Emacs eglot against cam-policy-ls in batch mode  -*- lexical-binding: t -*-

;; Run:
;;   emacs --batch -Q -l tests/editors/eglot_driver.el POLICY.cam.json
;; Environment:
;;   CAM_POLICY_LS_COMMAND  server command as a JSON array, such as ["python3", "-m", "cam_policy_ls", "serve"]
;;   CAM_EDITOR_CASE        expected results as a JSON object, whose fields tests/editors/test_editors.py describes
;;   CAM_EDITOR_RESULTS     file that receives one line per check
;;   CAM_EDITOR_LOG         file that receives eglot's events buffer and the server's stderr
;; Emacs exits 0 when every check passes, 1 when one fails and 77 when eglot cannot be loaded.
;;
;; Positions in the case are LSP positions: 0-based lines and UTF-16 columns.  The point is
;; placed as a user places it, right after an anchor text, and eglot itself converts it.

(require 'cl-lib)
(require 'map)
(require 'subr-x)

(defconst cam-driver-wait-seconds 10.0
  "Maximum wait for one server response or notification, in seconds.")

(defconst cam-driver-poll-seconds 0.02
  "Maximum time one `accept-process-output' call blocks while waiting, in seconds.")

(defconst cam-driver-exit-no-eglot 77
  "Exit code when eglot cannot be loaded, so the test is skipped rather than failed.")

(defvar cam-driver-lines nil
  "Result lines, newest first.")

(defvar cam-driver-failures 0
  "Number of failed checks.")

(defvar cam-driver-start (float-time)
  "Time the driver started, for the timestamps of the result lines.")

(define-error 'cam-driver-abort "Driver aborted")

(defun cam-driver-note (format-string &rest args)
  (push (format "%6.0f ms %s" (* 1000 (- (float-time) cam-driver-start)) (apply #'format format-string args))
        cam-driver-lines))

(defun cam-driver-check (name ok &optional detail)
  "Record check NAME as passed when OK, else as failed with DETAIL; return OK."
  (if ok
      (cam-driver-note "PASS %s" name)
    (cl-incf cam-driver-failures)
    (cam-driver-note "FAIL %s: %s" name (or detail "")))
  ok)

(defun cam-driver-abort (format-string &rest args)
  "Stop the run: the later steps depend on this one."
  (signal 'cam-driver-abort (list (apply #'format format-string args))))

(defun cam-driver-wait-until (predicate)
  "Process output until PREDICATE returns non-nil or `cam-driver-wait-seconds' pass; return its last value."
  (let ((deadline (+ (float-time) cam-driver-wait-seconds))
        (value (funcall predicate)))
    (while (and (not value) (< (float-time) deadline))
      (accept-process-output nil cam-driver-poll-seconds)
      (setq value (funcall predicate)))
    value))

(defun cam-driver-getenv (name)
  (let ((value (getenv name)))
    (when (or (null value) (string-empty-p value))
      (cam-driver-abort "environment variable %s is not set" name))
    value))

(defun cam-driver-load-eglot ()
  "Load eglot; return non-nil when it is available."
  (unless (locate-library "eglot")
    ;; -Q leaves site-lisp out of `load-path', and Debian's elpa-eglot is installed there
    ;; as a package, so activate the packages of that folder.
    (require 'package)
    (dolist (folder '("/usr/share/emacs/site-lisp/elpa"))
      (when (file-directory-p folder)
        (add-to-list 'package-directory-list folder)))
    (package-initialize))
  (require 'eglot nil t))

(defun cam-driver-position (case &rest keys)
  "Return the LSP position at KEYS in CASE as (LINE . CHARACTER)."
  (let ((position (map-nested-elt case keys)))
    (cons (plist-get position :line) (plist-get position :character))))

(defun cam-driver-eglot-version ()
  (let ((package (and (boundp 'package-alist) (cadr (assq 'eglot package-alist)))))
    (if package (package-version-join (package-desc-version package)) "built in")))

(defun cam-driver-lsp-position (position)
  "Return an LSP position plist as (LINE . CHARACTER)."
  (cons (plist-get position :line) (plist-get position :character)))

(defun cam-driver-point-after (anchor)
  "Move point right after the first occurrence of ANCHOR."
  (goto-char (point-min))
  (unless (search-forward anchor nil t)
    (cam-driver-abort "anchor %S is not in the buffer" anchor)))

(defun cam-driver-diagnostics (code)
  "Return the Flymake diagnostics of the current buffer whose LSP code is CODE."
  (cl-remove-if-not
   (lambda (diagnostic)
     (equal code (plist-get (alist-get 'eglot-lsp-diag (flymake-diagnostic-data diagnostic)) :code)))
   (flymake-diagnostics)))

(defun cam-driver-request (server method params)
  "Send request METHOD the way eglot's commands do: deferred, so pending changes are sent first."
  (jsonrpc-request server method params :deferred method :timeout cam-driver-wait-seconds))

(defun cam-driver-save-log (server)
  "Write the events buffer and stderr of SERVER to the file named by CAM_EDITOR_LOG.
When SERVER is nil, write the buffers of every eglot connection."
  (let ((file (getenv "CAM_EDITOR_LOG"))
        (buffers (if server
                     (list (jsonrpc-events-buffer server) (jsonrpc-stderr-buffer server))
                   (cl-remove-if-not (lambda (buffer) (string-prefix-p "*EGLOT" (buffer-name buffer)))
                                     (buffer-list)))))
    (when (and file (not (string-empty-p file)))
      (with-temp-file file
        (dolist (buffer buffers)
          (when (buffer-live-p buffer)
            (insert (format "=== %s\n" (buffer-name buffer)))
            (insert-buffer-substring buffer)
            (insert "\n")))))))

(defun cam-driver-connect (case command policy)
  "Open POLICY, start the server with COMMAND through eglot and return the server."
  ;; A .json file opens in js-mode on Emacs 28, in js-json-mode on Emacs 29 and later,
  ;; and in json-mode where the json-mode package is installed.
  (add-to-list 'eglot-server-programs (cons '(js-json-mode json-mode js-mode) command))
  (find-file policy)
  (cam-driver-note "Emacs %s, eglot %s, %s opens in %s" emacs-version
                   (cam-driver-eglot-version)
                   (file-name-nondirectory policy) major-mode)
  (let ((eol (pcase (coding-system-eol-type buffer-file-coding-system) (0 "unix") (1 "dos") (2 "mac"))))
    (cam-driver-check (format "fileformat %s" (plist-get case :fileformat))
                      (equal eol (plist-get case :fileformat))
                      (format "Emacs read the file as %s" buffer-file-coding-system)))
  ;; `eglot-ensure' connects when the current command finishes, and batch mode runs no command loop.
  (eglot-ensure)
  (run-hooks 'post-command-hook)
  (unless (cam-driver-wait-until (lambda () (and eglot--managed-mode (eglot-current-server))))
    (cam-driver-abort "eglot did not connect within %s s" cam-driver-wait-seconds))
  (eglot-current-server))

(defun cam-driver-check-diagnostic (case)
  (let* ((code (map-nested-elt case '(:diagnostic :code)))
         (text (map-nested-elt case '(:diagnostic :text)))
         (expected (list (cam-driver-position case :diagnostic :range :start)
                         (cam-driver-position case :diagnostic :range :end))))
    (unless (cam-driver-wait-until (lambda () (cam-driver-diagnostics code)))
      (cam-driver-abort "Flymake got no %s diagnostic within %s s; it has %S"
                        code cam-driver-wait-seconds (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
    (let ((found (cam-driver-diagnostics code)))
      (when (cam-driver-check (format "one %s diagnostic" code) (= (length found) 1)
                              (format "%S" (mapcar #'flymake-diagnostic-text found)))
        (let* ((diagnostic (car found))
               (range (plist-get (alist-get 'eglot-lsp-diag (flymake-diagnostic-data diagnostic)) :range))
               (sent (list (cam-driver-lsp-position (plist-get range :start))
                           (cam-driver-lsp-position (plist-get range :end))))
               (beg (flymake-diagnostic-beg diagnostic))
               (end (flymake-diagnostic-end diagnostic))
               (shown (list (cam-driver-lsp-position (eglot--pos-to-lsp-position beg))
                            (cam-driver-lsp-position (eglot--pos-to-lsp-position end)))))
          (cam-driver-check (format "%s range from the server" code) (equal sent expected)
                            (format "expected %S, got %S" expected sent))
          ;; The highlight: the region Flymake shows.
          (cam-driver-check (format "%s underlines %s" code text)
                            (and (equal (buffer-substring-no-properties beg end) text) (equal shown expected))
                            (format "highlighted %S at %S" (buffer-substring-no-properties beg end) shown)))))))

(defun cam-driver-check-completion (case server)
  (let ((label (map-nested-elt case '(:completion :label)))
        (expected (cam-driver-position case :completion :position))
        (params nil)
        (chosen nil))
    (cam-driver-point-after (map-nested-elt case '(:completion :after)))
    (setq params (eglot--CompletionParams))
    (cam-driver-check "completion position" (equal (cam-driver-lsp-position (plist-get params :position)) expected)
                      (format "eglot sent %S, expected %S" (plist-get params :position) expected))
    (let* ((result (cam-driver-request server :textDocument/completion params))
           (items (append (if (vectorp result) result (plist-get result :items)) nil)))
      (setq chosen (cl-find label items :key (lambda (item) (plist-get item :label)) :test #'equal))
      (unless chosen
        (cam-driver-abort "completion has no item %s among %d items" label (length items))))
    (unless (plist-get chosen :textEdit)
      (cam-driver-abort "item %s has no textEdit: %S" label chosen))
    (eglot--apply-text-edits (vector (plist-get chosen :textEdit)))
    (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
          (wanted (map-nested-elt case '(:completion :line))))
      (cam-driver-check (format "line after accepting %s" label) (equal line wanted)
                        (format "expected %S, got %S" wanted line)))))

(defun cam-driver-check-hover (case server)
  (let ((expected (cam-driver-position case :hover :position))
        (wanted (map-nested-elt case '(:hover :contains)))
        (params nil))
    (cam-driver-point-after (map-nested-elt case '(:hover :after)))
    (setq params (eglot--TextDocumentPositionParams))
    (cam-driver-check "hover position" (equal (cam-driver-lsp-position (plist-get params :position)) expected)
                      (format "eglot sent %S, expected %S" (plist-get params :position) expected))
    (let* ((hover (cam-driver-request server :textDocument/hover params))
           (contents (plist-get hover :contents))
           (text (if (stringp contents) contents (plist-get contents :value))))
      (cam-driver-check (format "hover mentions %s" wanted) (and text (string-search wanted text))
                        (format "hover was %S" hover)))))

(defun cam-driver-check-fix (case)
  (cam-driver-point-after (map-nested-elt case '(:fix :after)))
  (insert (map-nested-elt case '(:fix :insert)))
  ;; eglot sends didChange from an idle timer, and idle timers do not run in batch mode;
  ;; this is the function that timer calls.
  (eglot--signal-textDocument/didChange)
  (cam-driver-check "diagnostics cleared after the fix"
                    (cam-driver-wait-until (lambda () (null (flymake-diagnostics))))
                    (format "Flymake still has %S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))))

(defun cam-driver-run (policy)
  (let* ((case (json-parse-string (cam-driver-getenv "CAM_EDITOR_CASE") :object-type 'plist))
         (command (append (json-parse-string (cam-driver-getenv "CAM_POLICY_LS_COMMAND")) nil))
         (server nil))
    (unwind-protect
        (progn
          (setq server (cam-driver-connect case command policy))
          (cam-driver-note "server initialized")
          (cam-driver-check-diagnostic case)
          (cam-driver-check-completion case server)
          (cam-driver-check-hover case server)
          (cam-driver-check-fix case))
      (when server
        ;; eglot sends shutdown and exit, then ends the process. Its buffers are kept for the log.
        (condition-case err
            (eglot-shutdown server nil cam-driver-wait-seconds t)
          (error (cam-driver-check "server shutdown" nil (error-message-string err))))
        (cam-driver-check "server stopped" (not (jsonrpc-running-p server)) "the server process still runs"))
      (cam-driver-save-log server))))

(defun cam-driver-main ()
  (let ((policy (car command-line-args-left))
        (status 0))
    (setq command-line-args-left nil)
    (cond
     ((not (cam-driver-load-eglot))
      (cam-driver-note "ABORT eglot cannot be loaded; install it (Debian: apt-get install elpa-eglot)")
      (setq status cam-driver-exit-no-eglot))
     ((null policy)
      (cam-driver-note "ABORT no policy file; pass it after -l eglot_driver.el")
      (setq status 1))
     (t
      (condition-case err
          (cam-driver-run (expand-file-name policy))
        (cam-driver-abort
         (cl-incf cam-driver-failures)
         (cam-driver-note "ABORT %s" (cadr err)))
        (error
         (cl-incf cam-driver-failures)
         (cam-driver-note "ABORT %s" (error-message-string err))))
      (cam-driver-note (if (zerop cam-driver-failures) "all checks passed" (format "%d failed" cam-driver-failures)))
      (setq status (if (zerop cam-driver-failures) 0 1))))
    (let ((results (getenv "CAM_EDITOR_RESULTS"))
          (text (concat (string-join (reverse cam-driver-lines) "\n") "\n")))
      (if (and results (not (string-empty-p results)))
          (with-temp-file results (insert text))
        (princ text #'external-debugging-output)))
    (kill-emacs status)))

(cam-driver-main)

;;; eglot_driver.el ends here
