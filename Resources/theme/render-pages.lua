-- workbook's page renderer: many pages in ONE pandoc process (pandoc >= 2.17: pandoc.read, pandoc.write).
--
-- Run as a filter over an empty document:
--   pandoc -f markdown -t html5 --lua-filter render-pages.lua -M workbook-pages=LIST -M workbook-links=FILTER /dev/null
-- Records in and out are "<byte count>\n<bytes>". LIST holds, per page, two records: the label of its table of
-- contents ("On this page", in the page's language) and its Markdown. stdout gets, per page: its HTML body; the
-- number of its search sections N; then N times three records: anchor, heading, plain text.
--
-- What pandoc does here and workbook does not: read the Markdown, rewrite chapter links (FILTER, Link nodes
-- only), put the table of contents (sections h2 and h3) right after the page's h1, write HTML5 with MathML, and
-- cut the page into the sections the offline search indexes.

local function record(text)
  io.stdout:write(#text, '\n', text)
end

-- The Markdown reader. Not pandoc 2.17's `autolink_bare_uris`: after a link to an http(s) address followed by
-- full-width punctuation (`[x](https://a.org)）`, common in Chinese), it left the rest of the paragraph's `$…$` and
-- `*…*` unparsed, and pages showed raw TeX. Bare addresses become links below instead (`bare_links`).
local reader = 'gfm-autolink_bare_uris+tex_math_dollars+attributes'

-- A bare http(s) address in text becomes a link, as GitHub shows it; trailing punctuation (ASCII or full-width)
-- and an unbalanced closing parenthesis stay text.
local trailing = {['.'] = true, [','] = true, [':'] = true, [';'] = true, ['!'] = true, ['?'] = true, [')'] = true,
  ['"'] = true, ["'"] = true, ['*'] = true, ['_'] = true, ['~'] = true}
-- One Str → the same text with its bare address as a Link (nil when it holds none).
local function linked(str)
  local text = str.text
  local start = text:find('https?://')
  if not start then return nil end
  local before, url, after = text:sub(1, start - 1), text:sub(start), ''
  -- A full-width character (UTF-8 from U+3000 on: ），。、：；！？」) ends the address.
  local cut = url:find('[\227\239][\128-\191][\128-\191]')
  if cut then after, url = url:sub(cut), url:sub(1, cut - 1) end
  while #url > 0 do
    local last = url:sub(-1)
    local opens, closes = select(2, url:gsub('%(', '')), select(2, url:gsub('%)', ''))
    if not trailing[last] or (last == ')' and closes <= opens) then break end
    after, url = last .. after, url:sub(1, -2)
  end
  if not url:match('^https?://.+') then return nil end
  local out = {}
  if before ~= '' then table.insert(out, pandoc.Str(before)) end
  table.insert(out, pandoc.Link(url, url))
  if after ~= '' then table.insert(out, pandoc.Str(after)) end
  return out
end

-- Inlines with their bare addresses linked, looking into emphasis and spans but never into links, code or math.
local function linkify(inlines)
  local out = pandoc.List()
  for _, element in ipairs(inlines) do
    local replaced = element.t == 'Str' and linked(element) or nil
    if replaced then
      out:extend(replaced)
    else
      if element.t == 'Emph' or element.t == 'Strong' or element.t == 'Span' or element.t == 'Strikeout'
          or element.t == 'Quoted' or element.t == 'Underline' then
        element.content = linkify(element.content)
      end
      out:insert(element)
    end
  end
  return out
end

local function with_linked(block) block.content = linkify(block.content); return block end
local bare_links = {Para = with_linked, Plain = with_linked, Header = with_linked}

-- The page's sections h2 and h3 as a nested list of links, or nil when it has none.
local function table_of_contents(blocks)
  local items, current = {}, nil
  for _, block in ipairs(blocks) do
    if block.t == 'Header' and block.level >= 2 and block.level <= 3 and block.identifier ~= '' then
      -- As pandoc's own TOC: the heading's inlines without its links and notes.
      local text = pandoc.walk_inline(pandoc.Span(block.content), {
        Link = function(link) return link.content end,
        Note = function() return {} end,
      }).content
      local entry = pandoc.Plain{pandoc.Link(text, '#' .. block.identifier)}
      if block.level == 2 or current == nil then
        current = {entry}
        table.insert(items, current)
      else
        local last = current[#current]
        if last.t == 'BulletList' then table.insert(last.content, {entry}) else table.insert(current, pandoc.BulletList{{entry}}) end
      end
    end
  end
  if #items == 0 then return nil end
  return pandoc.BulletList(items)
end

-- The blocks with the table of contents after the first h1 (at the top when there is none).
local function with_toc(blocks, label)
  local toc = table_of_contents(blocks)
  if not toc then return blocks end
  local escaped = label:gsub('&', '&amp;'):gsub('"', '&quot;'):gsub('<', '&lt;')
  local nav = {pandoc.RawBlock('html', '<nav class="toc" aria-label="' .. escaped .. '">'), toc, pandoc.RawBlock('html', '</nav>')}
  local out, placed = {}, false
  for _, block in ipairs(blocks) do
    table.insert(out, block)
    if not placed and block.t == 'Header' and block.level == 1 then
      for _, part in ipairs(nav) do table.insert(out, part) end
      placed = true
    end
  end
  if not placed then
    for i = #nav, 1, -1 do table.insert(out, 1, nav[i]) end
  end
  return out
end

-- What search reads of a block: its words, math as its TeX (once: the page's MathML is not read), no raw HTML
-- (figures, the page's own markup) and no source code other than plain text (identifiers would drown the
-- prose); outputs stay.
-- Every paragraph and table cell ends with a space, or stringify would glue the last word of one to the first
-- of the next.
local function spaced(block)
  block.content:insert(pandoc.Space())
  return block
end
local searchable = {
  Math = function(math) return pandoc.Str(math.text) end,
  RawInline = function() return {} end,
  RawBlock = function() return {} end,
  CodeBlock = function(code)
    if #code.classes > 0 and code.classes[1] ~= 'text' then return {} end
    return pandoc.Plain{pandoc.Str(code.text), pandoc.Space()}  -- stringify reads inlines only
  end,
  Para = spaced,
  Plain = spaced,
}
local function plain(block)
  local kept = pandoc.walk_block(pandoc.Div{block}, searchable)
  return pandoc.utils.stringify(kept)
end

-- The page cut at its h2 and h3 headings: {anchor, heading, text} each; the text before the first heading has
-- an empty anchor and heading.
local function sections(blocks)
  local out, current = {}, {anchor = '', heading = '', words = {}}
  for _, block in ipairs(blocks) do
    if block.t == 'Header' and block.level >= 2 and block.level <= 3 then
      table.insert(out, current)
      current = {anchor = block.identifier, heading = pandoc.utils.stringify(block), words = {}}
    else
      table.insert(current.words, plain(block))
    end
  end
  table.insert(out, current)
  return out
end

-- Plain text needs no highlighting, and asking pandoc's highlighter for a language it does not know ("text",
-- the class of every output block) makes it load every syntax definition it has: ~0.5 s a process, more than
-- the pages themselves. Such blocks lose the class before writing.
local plain_text = {text = true, txt = true, plain = true, plaintext = true, output = true}
local unhighlighted = {
  CodeBlock = function(code)
    if plain_text[code.classes[1]] then
      code.classes = {}
      return code
    end
  end,
}

function Pandoc(doc)
  local function path(key) return pandoc.utils.stringify(doc.meta[key]) end
  local options = {html_math_method = 'mathml'}
  dofile(path('workbook-links'))  -- defines Link(link)
  local links = {Link = Link}
  local input = assert(io.open(path('workbook-pages'), 'rb'))
  local index = 0
  failed = false
  while true do
    local header = input:read('l')
    if not header then break end
    index = index + 1
    local label = input:read(tonumber(header)) or ''
    local markdown = input:read(tonumber(input:read('l'))) or ''
    local ok, result = pcall(function()
      local page = pandoc.read(markdown, reader)
      local blocks = pandoc.walk_block(pandoc.walk_block(pandoc.walk_block(pandoc.Div(page.blocks), bare_links), links), unhighlighted).content
      local html = pandoc.write(pandoc.Pandoc(with_toc(blocks, label)), 'html5', options)
      return {html = html, sections = sections(blocks)}
    end)
    if not ok then
      -- Every failing page is named (the author fixes them all in one go); the others still render.
      io.stderr:write('workbook-page ', index, ': ', tostring(result):gsub('\n', ' '), '\n')
      failed = true
      result = {html = '', sections = {}}
    end
    record(result.html)
    record(tostring(#result.sections))
    for _, section in ipairs(result.sections) do
      record(section.anchor)
      record(section.heading)
      record(table.concat(section.words, ' '))
    end
  end
  input:close()
  io.stdout:flush()
  if failed then os.exit(1) end
  return pandoc.Pandoc({})
end
