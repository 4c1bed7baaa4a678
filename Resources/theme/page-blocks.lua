-- The typed blocks of a woven page, as both page renderers (render-pages.lua for the site, render-epub.lua for the
-- EPUB) read them. workbook's weave writes no HTML: what is not prose reaches pandoc as fenced divs and bracketed
-- spans with classes and attributes (Sources/WorkbookCore/Site/TypedBlocks.swift writes them), and each renderer
-- gives them its own markup through `filter`. Loaded with `dofile` (`-M workbook-blocks=`).
--
--   ::: {.output}, {.output .unrecorded}   a snippet's output; unrecorded (preview) starts with an .unrecorded-note
--   ::: {#fig-ID .figure number="N"}       a chart: a code block of class svg (its drawing), the caption paragraph
--                                          ([Figure N.](#fig-ID) title), then a .text-version div: a paragraph
--                                          naming it and the chart as text (a code block)
--   ::: {#tbl-ID .table-caption number="N"}   a table's number above it: one paragraph, [Table N](#tbl-ID)
--   [16.3]{.unrecorded-value title="…"}    an inline value the chapter does not record yet (preview)
--   ::: {.chapter-list}, {.whole-book}     the landing page's list of chapters, its links to the whole book
--   ::: {.chapter-summary page="NN.md"}    a summary in that list: its #anchor links are that chapter's
--   ::: {.untranslated-note}               on a translation's page that shows the source text for now
--
-- A renderer gives `filter` a table of markup functions by kind ('figure', 'table-caption', …), each called with
-- the block's parts (below) and its element; what one returns replaces the element. A kind a renderer has no
-- function for stays a pandoc Div or Span, which every pandoc writer knows.

local blocks = {}

local function has_class(element, name)
  for _, class in ipairs(element.classes) do
    if class == name then return true end
  end
  return false
end

local function first_paragraph(list)
  for _, block in ipairs(list) do
    if block.t == 'Para' or block.t == 'Plain' then return block.content end
  end
end

-- Each kind's parts, read from its element; nil when the element lacks them (a div an author wrote, say), which
-- then stays as it is.
local readers = {}

-- {id, number, svg = the drawing's source, caption = inlines, text_version = {name = inlines, code = CodeBlock}}
readers['figure'] = function(div)
  local figure = {id = div.identifier, number = div.attributes.number}
  for _, block in ipairs(div.content) do
    if block.t == 'CodeBlock' and has_class(block, 'svg') then
      figure.svg = block.text
    elseif (block.t == 'Para' or block.t == 'Plain') and not figure.caption then
      figure.caption = block.content
    elseif block.t == 'Div' and has_class(block, 'text-version') then
      local code
      for _, inner in ipairs(block.content) do
        if inner.t == 'CodeBlock' then code = inner end
      end
      figure.text_version = {name = first_paragraph(block.content) or pandoc.List(), code = code}
    end
  end
  if not (figure.svg and figure.caption and figure.text_version and figure.text_version.code) then return nil end
  return figure
end

-- {id, number, caption = inlines}
readers['table-caption'] = function(div)
  local caption = first_paragraph(div.content)
  return caption and {id = div.identifier, number = div.attributes.number, caption = caption}
end

-- {text = inlines}
local function note(div)
  local text = first_paragraph(div.content)
  return text and {text = text}
end
readers['unrecorded-note'] = note
readers['untranslated-note'] = note

-- {content = the summary's blocks, links to `#anchor` pointing into its chapter: `NN-name.md#anchor`}
readers['chapter-summary'] = function(div)
  local page = div.attributes.page
  if not page then return nil end
  local content = pandoc.walk_block(pandoc.Div(div.content), {Link = function(link)
    local anchor = link.target:match('^#(.+)$')
    if anchor then link.target = page .. '#' .. anchor end
    return link
  end}).content
  return {page = page, content = content}
end

-- {title = the note that names the recorded value, content = inlines}
readers['unrecorded-value'] = function(span)
  return {title = span.attributes.title or '', content = span.content}
end

-- `reader` (page-text.lua's) with the extensions the typed blocks are written in. page-text.lua names them; a
-- book's own page-text.lua from before the typed blocks does not, and its pages would show `:::` as text.
function blocks.reader(reader)
  for _, extension in ipairs({'fenced_divs', 'bracketed_spans'}) do
    if not reader:find('+' .. extension, 1, true) then reader = reader .. '+' .. extension end
  end
  return reader
end

-- The kind of typed block an element is: the first of its classes the weave writes on that kind of element (a
-- span for an inline value, a div for the rest), nil for any other element.
local spans = {['unrecorded-value'] = true}
function blocks.kind(element)
  for _, class in ipairs(element.classes) do
    local known = readers[class] or class == 'output' or class == 'chapter-list' or class == 'whole-book'
    if known and (spans[class] == true) == (element.t == 'Span') then return class end
  end
end

-- The element's parts as its kind's reader finds them (the element itself for kinds with no parts to read).
function blocks.read(element)
  local kind = blocks.kind(element)
  if not kind then return nil end
  if readers[kind] then return readers[kind](element), kind end
  return element, kind
end

-- A pandoc filter (Div, Span) that hands each typed block to `markup[kind](parts, element)`; the parts are read
-- when the filter meets the element, so what filters before it changed (the EPUB's anchors) is in them.
function blocks.filter(markup)
  local function apply(element)
    local parts, kind = blocks.read(element)
    if parts == nil or not markup[kind] then return nil end
    return markup[kind](parts, element)
  end
  return {Div = apply, Span = apply}
end

return blocks
