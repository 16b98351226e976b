-- Neovim's built-in LSP client against `svl lsp`, headless
-- (tests/cli/lsp_nvim.t runs it): open a rule file, receive diagnostics,
-- hover, go to definition, complete a field, format.  Prints TAP.
local svl = os.getenv("SVL")
local file = os.getenv("SVL_FILE")
local n, failed = 0, 0
local function ok(cond, desc, info)
  n = n + 1
  if not cond then failed = failed + 1 end
  io.stdout:write((cond and "ok " or "not ok ") .. n .. " - " .. desc .. "\n")
  if not cond and info ~= nil then
    io.stdout:write("# " .. vim.inspect(info):gsub("\n", "\n# ") .. "\n")
  end
end
local function finish()
  io.stdout:write("1.." .. n .. "\n")
  vim.cmd(failed == 0 and "qa!" or "cquit!")
end

-- the line (0-based) holding `text`, and the column where it starts
local function find(text)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local c = l:find(text, 1, true)
    if c then return i - 1, c - 1 end
  end
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  name = "svl",
  cmd = { svl, "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
})
ok(id ~= nil, "the client starts svl lsp")
vim.lsp.buf_attach_client(buf, id)
local client = vim.lsp.get_client_by_id(id)
ok(vim.wait(60000, function() return client.initialized end, 20), "initialize handshake")

-- diagnostics for the misspelt name the test appended
local function diags(code)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then table.insert(out, d) end
  end
  return out
end
local got = vim.wait(60000, function() return #diags("E0301") > 0 end, 20)
local d = diags("E0301")[1]
local eline = find("contrct_value")
ok(got and d.lnum == eline and d.message:find("did you mean 'contract_value'", 1, true) ~= nil,
  "diagnostics: E0301 on the misspelt name, with the hint", vim.diagnostic.get(buf))
ok(d and d.severity == vim.diagnostic.severity.ERROR and d.source == "svl", "  an error, from svl", d)

-- hover on a money value
local line, col = find("let contract_value")
vim.api.nvim_win_set_cursor(0, { line + 1, col + 6 })
local res = vim.lsp.buf_request_sync(buf, "textDocument/hover", vim.lsp.util.make_position_params(), 30000)
local hover = res and res[id] and res[id].result
local text = hover and hover.contents and hover.contents.value or ""
ok(text:find("let contract_value = annual_value * years", 1, true) and text:find("£1,200,000.00", 1, true),
  "hover: the declaration and its money value", hover)

-- go to definition through the client's own handler: the cursor moves
local uline, ucol = find("2 * annual_value")
vim.api.nvim_win_set_cursor(0, { uline + 1, ucol + 6 })
vim.lsp.buf.definition()
local dline = find("let annual_value")
ok(vim.wait(30000, function() return vim.api.nvim_win_get_cursor(0)[1] == dline + 1 end, 20),
  "definition: the cursor jumps to `let annual_value`", vim.api.nvim_win_get_cursor(0))
vim.lsp.buf.definition() -- on the declaration itself: stays
vim.wait(200)

-- completion of a record field after `bid.` (the edit goes as an incremental change)
local last = vim.api.nvim_buf_line_count(buf)
vim.api.nvim_buf_set_lines(buf, last, last, false, { "fn price_of(bid: Bid) = bid." })
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = last, character = 28 } }
res = vim.lsp.buf_request_sync(buf, "textDocument/completion", params, 30000)
local items = res and res[id] and res[id].result or {}
if items.items then items = items.items end
local labels = {}
for _, it in ipairs(items) do labels[it.label] = it.kind end
ok(labels.price == 5 and labels.supplier == 5 and labels.turnover == 5,
  "completion after `bid.`: the fields of Bid", items)
vim.api.nvim_buf_set_lines(buf, last, last + 1, false, { "fn price_of(bid: Bid) = bid.price" })

-- fixing the name clears its diagnostic
vim.api.nvim_buf_set_lines(buf, eline, eline + 1, false, { "let oops = contract_value" })
ok(vim.wait(60000, function() return #diags("E0301") == 0 end, 20), "the fix clears the diagnostic", vim.diagnostic.get(buf))

-- formatting: the buffer becomes what svl fmt makes of it
vim.api.nvim_buf_set_lines(buf, eline, eline + 1, false, { "let   oops =  contract_value" })
local before = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") .. "\n"
local want = vim.fn.system({ svl, "fmt", "-" }, before)
if vim.lsp.buf.format then
  vim.lsp.buf.format({ timeout_ms = 30000 })
else
  vim.lsp.buf.formatting_sync(nil, 30000)
end
local after = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") .. "\n"
ok(after == want and after ~= before, "formatting: the buffer is svl fmt's layout",
  { line = vim.api.nvim_buf_get_lines(buf, eline, eline + 1, false)[1] })

-- shutdown
vim.lsp.stop_client(id)
ok(vim.wait(30000, function() return vim.lsp.client_is_stopped(id) end, 20), "the server stops on request")
finish()
