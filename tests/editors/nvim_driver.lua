-- Drive Neovim's built-in LSP client (the Neovim 0.7 API) against cam-policy-ls on the file Neovim opened.
--
-- Run:
--   nvim --headless --clean -n -u NONE -c "luafile tests/editors/nvim_driver.lua" POLICY.cam.json
-- Environment:
--   CAM_POLICY_LS_COMMAND  server command as a JSON array, such as ["python3", "-m", "cam_policy_ls", "serve"]
--   CAM_EDITOR_CASE        expected results as a JSON object, whose fields tests/editors/test_editors.py describes
--   CAM_EDITOR_RESULTS     file that receives one line per check
-- Neovim exits 0 when every check passes and 1 (cquit) otherwise.
--
-- Positions in the case are LSP positions: 0-based lines and UTF-16 columns. The cursor is placed
-- as a user places it, right after an anchor text, and Neovim itself converts it to an LSP position.

local WAIT_MS = 10000 -- maximum wait for one server response or notification
local POLL_MS = 20

local lines_out = {}
local failures = 0
local started = vim.loop.hrtime()

local function note(text)
  table.insert(lines_out, string.format("%6.0f ms %s", (vim.loop.hrtime() - started) / 1e6, text))
end

local function check(name, ok, detail)
  if ok then
    note("PASS " .. name)
  else
    failures = failures + 1
    note("FAIL " .. name .. ": " .. (detail or ""))
  end
  return ok
end

-- Stop the run: the later steps depend on this one.
local function abort(message)
  error({ driver = message })
end

local function getenv(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    abort("environment variable " .. name .. " is not set")
  end
  return value
end

local function same_position(a, b)
  return a ~= nil and b ~= nil and a.line == b.line and a.character == b.character
end

local function show(value)
  return vim.inspect(value, { newline = " ", indent = "" })
end

-- Put the cursor right after the first occurrence of `anchor` in the buffer.
local function cursor_after(buf, anchor)
  for index, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, true)) do
    local _, last = line:find(anchor, 1, true)
    if last then
      vim.api.nvim_win_set_cursor(0, { index, last })
      return
    end
  end
  abort("anchor " .. show(anchor) .. " is not in the buffer")
end

local function request(buf, method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, WAIT_MS)
  if responses == nil then
    abort(method .. " timed out or failed: " .. tostring(err))
  end
  for _, response in pairs(responses) do
    if response.err then
      abort(method .. " failed: " .. show(response.err))
    end
    return response.result
  end
  abort(method .. " got no response from any client")
end

local function run()
  local case = vim.json.decode(getenv("CAM_EDITOR_CASE"))
  local command = vim.json.decode(getenv("CAM_POLICY_LS_COMMAND"))
  vim.lsp.set_log_level("debug")
  note("Neovim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "."
    .. tostring(vim.version().patch) .. "; LSP log " .. vim.lsp.get_log_path())

  local buf = vim.api.nvim_get_current_buf()
  local path = vim.api.nvim_buf_get_name(buf)
  if path == "" then
    abort("no file was opened; pass the policy file after the -c argument")
  end
  check("fileformat " .. case.fileformat, vim.bo[buf].fileformat == case.fileformat,
    "Neovim detected fileformat=" .. vim.bo[buf].fileformat)

  -- Every publishDiagnostics is recorded, then handed to Neovim's own handler.
  local published = {}
  local client_id = vim.lsp.start_client({
    name = "cam_policy_ls",
    cmd = command,
    root_dir = vim.fn.fnamemodify(path, ":h"),
    handlers = {
      ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
        if result and result.uri == vim.uri_from_bufnr(buf) then
          table.insert(published, result)
        end
        return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
      end,
    },
  })
  if client_id == nil then
    abort("vim.lsp.start_client did not start " .. show(command))
  end
  vim.lsp.buf_attach_client(buf, client_id)

  -- 1. Diagnostics after didOpen.
  local code = case.diagnostic.code
  local function found_code()
    for _, diagnostic in ipairs(vim.diagnostic.get(buf)) do
      if diagnostic.code == code then
        return true
      end
    end
    return false
  end
  if not vim.wait(WAIT_MS, found_code, POLL_MS) then
    abort("no " .. code .. " diagnostic within " .. WAIT_MS .. " ms; published: " .. show(published))
  end
  local client = vim.lsp.get_client_by_id(client_id)
  note("server initialized; offset encoding " .. tostring(client.offset_encoding))

  local raw = {}
  for _, diagnostic in ipairs(published[#published].diagnostics) do
    if diagnostic.code == code then
      table.insert(raw, diagnostic)
    end
  end
  if check("one " .. code .. " diagnostic", #raw == 1, show(raw)) then
    local range = raw[1].range
    check(code .. " range from the server",
      same_position(range.start, case.diagnostic.range.start) and same_position(range["end"], case.diagnostic.range["end"]),
      "expected " .. show(case.diagnostic.range) .. ", got " .. show(range))
  end
  -- The underline: Neovim converts the range to byte columns of the buffer line.
  for _, diagnostic in ipairs(vim.diagnostic.get(buf)) do
    if diagnostic.code == code then
      local line = vim.api.nvim_buf_get_lines(buf, diagnostic.lnum, diagnostic.lnum + 1, true)[1]
      local underlined = line:sub(diagnostic.col + 1, diagnostic.end_col)
      check(code .. " underlines " .. case.diagnostic.text,
        diagnostic.end_lnum == diagnostic.lnum and underlined == case.diagnostic.text,
        "underlined " .. show(underlined) .. " on line " .. diagnostic.lnum)
    end
  end

  -- 2. Completion inside a string, accepted the way Neovim applies a TextEdit.
  cursor_after(buf, case.completion.after)
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  check("completion position", same_position(params.position, case.completion.position),
    "Neovim sent " .. show(params.position) .. ", expected " .. show(case.completion.position))
  local result = request(buf, "textDocument/completion", params)
  local items = result and (result.items or result) or {}
  local chosen
  for _, item in ipairs(items) do
    if item.label == case.completion.label then
      chosen = item
    end
  end
  if chosen == nil then
    abort("completion has no item " .. case.completion.label .. " among " .. #items .. " items")
  end
  if chosen.textEdit == nil then
    abort("item " .. chosen.label .. " has no textEdit: " .. show(chosen))
  end
  vim.lsp.util.apply_text_edits({ chosen.textEdit }, buf, client.offset_encoding)
  local row = case.completion.position.line
  local line = vim.api.nvim_buf_get_lines(buf, row, row + 1, true)[1]
  check("line after accepting " .. chosen.label, line == case.completion.line,
    "expected " .. show(case.completion.line) .. ", got " .. show(line))

  -- 3. Hover. Neovim sends the pending completion edit before the request.
  cursor_after(buf, case.hover.after)
  params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  check("hover position", same_position(params.position, case.hover.position),
    "Neovim sent " .. show(params.position) .. ", expected " .. show(case.hover.position))
  local hover = request(buf, "textDocument/hover", params)
  local contents = hover and hover.contents
  local text = type(contents) == "table" and contents.value or tostring(contents)
  check("hover mentions " .. case.hover.contains, text ~= nil and text:find(case.hover.contains, 1, true) ~= nil,
    "hover was " .. show(hover))

  -- 4. Fix the policy, after which the server publishes an empty list for the new version.
  cursor_after(buf, case.fix.after)
  local cursor = vim.api.nvim_win_get_cursor(0)
  vim.api.nvim_buf_set_text(buf, cursor[1] - 1, cursor[2], cursor[1] - 1, cursor[2], { case.fix.insert })
  local fixed_version = vim.lsp.util.buf_versions[buf]
  local function cleared()
    local last = published[#published]
    return last ~= nil and last.version == fixed_version and #last.diagnostics == 0
  end
  check("diagnostics cleared after the fix", vim.wait(WAIT_MS, cleared, POLL_MS),
    "last published " .. show(published[#published]) .. ", buffer version " .. tostring(fixed_version))
  check("Neovim shows no diagnostics", #vim.diagnostic.get(buf) == 0, show(vim.diagnostic.get(buf)))

  vim.lsp.stop_client(client_id)
  local stopped = vim.wait(WAIT_MS, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, POLL_MS)
  check("server stopped", stopped, "the client still runs after " .. WAIT_MS .. " ms")
end

local ok, err = pcall(run)
if not ok then
  failures = failures + 1
  local message = type(err) == "table" and err.driver or tostring(err)
  note("ABORT " .. message)
end
note(failures == 0 and "all checks passed" or (failures .. " failed"))
local results = os.getenv("CAM_EDITOR_RESULTS")
if results and results ~= "" then
  vim.fn.writefile(lines_out, results)
else
  io.stdout:write(table.concat(lines_out, "\n") .. "\n")
end
if failures == 0 then
  vim.cmd("qall!")
else
  vim.cmd("cquit 1")
end
