-- workbook's page renderer: many pages in ONE pandoc process (pandoc >= 2.17: pandoc.read, pandoc.write).
--
-- Run as a filter over an empty document:
--   pandoc -f markdown -t html5 --lua-filter render-pages.lua -M workbook-pages=LIST -M workbook-links=FILTER
--          -M workbook-text=page-text.lua -M workbook-blocks=page-blocks.lua /dev/null
-- Records in and out are "<byte count>\n<bytes>". LIST holds, per page, three records: the label of its table of
-- contents ("On this page", in the page's language), its Markdown, and its edition's glossary terms. stdout gets, per page: its HTML body; the
-- number of its search sections N; then N times three records: anchor, heading, plain text.
--
-- What pandoc does here and workbook does not: read the Markdown, give the weave's typed blocks (figures, outputs,
-- captions, notes: page-blocks.lua) the site's HTML, rewrite chapter links (FILTER, Link nodes only), put the
-- table of contents (sections h2 and h3) right after the page's h1, write HTML5 with MathML, and cut the page
-- into the sections the offline search indexes.

-- A caption or a note is written on one line, as the weave gave it.
local inline_options = {html_math_method = 'mathml', wrap_text = 'wrap-none'}

-- Text for an HTML element or a quoted attribute.
local function escaped(text)
  return (text:gsub('&', '&amp;'):gsub('"', '&quot;'):gsub('<', '&lt;'):gsub('>', '&gt;'))
end

-- Inlines as one line of HTML.
local function inline_html(inlines)
  return (pandoc.write(pandoc.Pandoc({pandoc.Plain(inlines)}), 'html5', inline_options):gsub('\n$', ''))
end

-- The site's markup for the weave's typed blocks (page-blocks.lua reads them): what the theme's CSS and script,
-- the print edition and the browser tests know. Figures, captions and notes become raw HTML before the prose
-- rules, the glossary and search see the page: their words are the weave's, not prose, and search leaves them
-- out (the SVG source above all). Outputs, the chapter list and the whole-book links stay divs.
local site_markup = {
  figure = function(figure)
    return {
      pandoc.RawBlock('html', '<figure class="chart" id="' .. escaped(figure.id) .. '">\n' .. figure.svg
        .. '\n<figcaption>' .. inline_html(figure.caption) .. '</figcaption>\n</figure>'),
      -- The chart as text, one click away.
      pandoc.RawBlock('html', '<details class="ascii">\n<summary>' .. inline_html(figure.text_version.name) .. '</summary>'),
      figure.text_version.code,
      pandoc.RawBlock('html', '</details>'),
    }
  end,
  ['table-caption'] = function(caption)
    return pandoc.RawBlock('html', '<p class="table-caption" id="' .. escaped(caption.id) .. '">' .. inline_html(caption.caption) .. '</p>')
  end,
  ['unrecorded-note'] = function(note)
    return pandoc.RawBlock('html', '<p class="unrecorded-note">' .. inline_html(note.text) .. '</p>')
  end,
  ['untranslated-note'] = function(note)
    return pandoc.RawBlock('html', '<div class="untranslated-note">' .. inline_html(note.text) .. '</div>')
  end,
  ['unrecorded-value'] = function(value)
    local marked = pandoc.List({pandoc.RawInline('html', '<mark class="unrecorded-value" title="' .. escaped(value.title) .. '">')})
    marked:extend(value.content)
    marked:insert(pandoc.RawInline('html', '</mark>'))
    return marked
  end,
  -- Its links already point into its chapter; the summary is the list item's second paragraph.
  ['chapter-summary'] = function(summary) return summary.content end,
}

local function record(text)
  io.stdout:write(#text, '\n', text)
end

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
  local nav = {pandoc.RawBlock('html', '<nav class="toc" aria-label="' .. escaped(label) .. '">'), toc, pandoc.RawBlock('html', '</nav>')}
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
-- TeX as a reader would say it in a search result: Greek letters and operators as their characters, \frac{a}{b}
-- as a/b, \text{…} and the like as their content, other commands and braces dropped: "r\theta_i" → "rθ_i".
local tex_symbols = {alpha = 'α', beta = 'β', gamma = 'γ', delta = 'δ', epsilon = 'ε', varepsilon = 'ε', zeta = 'ζ',
  eta = 'η', theta = 'θ', vartheta = 'ϑ', kappa = 'κ', lambda = 'λ', mu = 'μ', nu = 'ν', xi = 'ξ', pi = 'π', rho = 'ρ',
  sigma = 'σ', tau = 'τ', phi = 'φ', varphi = 'φ', chi = 'χ', psi = 'ψ', omega = 'ω', Gamma = 'Γ', Delta = 'Δ',
  Theta = 'Θ', Lambda = 'Λ', Pi = 'Π', Sigma = 'Σ', Phi = 'Φ', Psi = 'Ψ', Omega = 'Ω', cdot = '·', times = '×',
  le = '≤', leq = '≤', ge = '≥', geq = '≥', approx = '≈', ne = '≠', neq = '≠', infty = '∞', sum = 'Σ', prod = '∏',
  to = '→', rightarrow = '→', leftarrow = '←', Rightarrow = '⇒', mapsto = '↦', pm = '±', sqrt = '√', partial = '∂',
  nabla = '∇', ['in'] = '∈', ldots = '…', dots = '…', cdots = '⋯', ell = 'ℓ', top = 'ᵀ', prime = '′', circ = '∘',
  quad = ' ', qquad = ' ', ln = 'ln', log = 'log', exp = 'exp', cos = 'cos', sin = 'sin', tan = 'tan', max = 'max',
  min = 'min', arg = 'arg', lfloor = '⌊', rfloor = '⌋', lceil = '⌈', rceil = '⌉', langle = '⟨', rangle = '⟩'}
local function tex_text(tex)
  local text = tex
  for _ = 1, 3 do
    text = text:gsub('\\[dt]?frac%s*(%b{})%s*(%b{})', function(a, b) return a:sub(2, -2) .. '/' .. b:sub(2, -2) end)
  end
  text = text:gsub('\\(%a+)', function(name) return tex_symbols[name] or '' end)
  text = text:gsub('\\[,;:! ]', ' '):gsub('\\\\', ' '):gsub('\\([{}%%$&_#])', '%1')
  text = text:gsub('[{}]', '')
  return text
end

local searchable = {
  Math = function(math) return pandoc.Str(tex_text(math.text)) end,
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

-- The edition's glossary terms ("TERM\tHREF" lines, longest first): the first use of each in the page's prose
-- (paragraphs and table cells, never headings, links, code or math) links to its row of the glossary.
local function glossary_terms(list)
  local terms = {}
  for line in list:gmatch('[^\n]+') do
    local term, href = line:match('^(.-)\t(.+)$')
    if term then table.insert(terms, {term = term, href = href}) end
  end
  return terms
end

local function with_terms_linked(text, terms, linked, out)
  while text ~= '' do
    local first, last, found
    for _, entry in ipairs(terms) do
      if not linked[entry.term] then
        local s, e = text:find(entry.term, 1, true)
        if s and (not first or s < first) then first, last, found = s, e, entry end
      end
    end
    if not found then out:insert(pandoc.Str(text)); return end
    linked[found.term] = true
    if first > 1 then out:insert(pandoc.Str(text:sub(1, first - 1))) end
    out:insert(pandoc.Link({pandoc.Str(found.term)}, found.href, '', pandoc.Attr('', {'glossary-term'})))
    text = text:sub(last + 1)
  end
end

local function glossary_links(terms)
  local linked = {}
  local function inlines(list)
    local out = pandoc.List()
    for _, element in ipairs(list) do
      if element.t == 'Str' then
        with_terms_linked(element.text, terms, linked, out)
      else
        if element.t == 'Emph' or element.t == 'Strong' or element.t == 'Span' then element.content = inlines(element.content) end
        out:insert(element)
      end
    end
    return out
  end
  local function block(b) b.content = inlines(b.content); return b end
  return {Para = block, Plain = block}
end

function Pandoc(doc)
  local function path(key) return pandoc.utils.stringify(doc.meta[key]) end
  dofile(path('workbook-links'))  -- defines Link(link)
  local text = dofile(path('workbook-text'))  -- how pages are read and their prose made (page-text.lua)
  local typed_blocks = dofile(path('workbook-blocks'))  -- the weave's typed blocks (page-blocks.lua)
  local typed, reader = typed_blocks.filter(site_markup), typed_blocks.reader(text.reader)
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
    local terms = glossary_terms(input:read(tonumber(input:read('l'))) or '')
    local ok, result = pcall(function()
      local page = pandoc.read(markdown, reader)
      local blocks = pandoc.walk_block(pandoc.Div(page.blocks), typed)
      blocks = pandoc.walk_block(pandoc.walk_block(pandoc.walk_block(blocks, text.filter), links), unhighlighted)
      if #terms > 0 then blocks = pandoc.walk_block(blocks, glossary_links(terms)) end
      blocks = blocks.content
      local html = pandoc.write(pandoc.Pandoc(with_toc(blocks, label)), 'html5', {html_math_method = 'mathml'})
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
