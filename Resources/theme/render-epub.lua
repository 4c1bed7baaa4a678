-- workbook's EPUB renderer: one edition's woven pages as ONE pandoc document, which pandoc writes as EPUB 3.
--
-- Run as a filter over an empty document:
--   pandoc -f markdown -t epub3 --lua-filter render-epub.lua -M workbook-pages=LIST -M workbook-text=page-text.lua
--          -M workbook-blocks=page-blocks.lua --toc --mathml --epub-chapter-level=1 -M title=… -M lang=… -o book.epub /dev/null
-- LIST holds, per page, two records ("<byte count>\n<bytes>"): the page's name (`04-rotation`) and its woven
-- Markdown, the same Markdown the HTML site renders (render-pages.lua reads it with the same reader and the same
-- typed blocks, page-blocks.lua; this file gives them the EPUB's markup).
--
-- In a site each page is a file of its own; in the EPUB they are one document that pandoc splits at each h1. So
-- every anchor is made unique by its page's name (`fig-decay` of 09-long-range-decay becomes
-- `09-long-range-decay--fig-decay`), a page's h1 gets the page's name as its anchor, and links follow:
-- `#x` → `#PAGE--x`, `NN-name.md` → `#NN-name`, `NN-name.md#x` → `#NN-name--x`. pandoc then points each link into
-- the chapter file that holds its anchor.


local function records(path)
  local file = assert(io.open(path, 'rb'))
  local data = file:read('a')
  file:close()
  local list, position = {}, 1
  while position <= #data do
    local newline = data:find('\n', position, true)
    local length = tonumber(data:sub(position, newline - 1))
    table.insert(list, data:sub(newline + 1, newline + length))
    position = newline + 1 + length
  end
  return list
end

-- A link target as it reads inside the book: nil for an address outside it.
local function retarget(target, page)
  if target:find('^%a[%w+.-]*:') or target:find('^/') then return nil end
  local anchor = target:match('^#(.+)$')
  if anchor then return '#' .. page .. '--' .. anchor end
  local other, rest = target:match('^([^#?]+)%.md#(.+)$')
  if other then return '#' .. other .. '--' .. rest end
  other = target:match('^([^#?]+)%.md$')
  if other then return '#' .. other end
  return nil
end

-- The EPUB's markup for the weave's typed blocks (page-blocks.lua), given after the page's anchors and links are
-- made the page's: a figure is its SVG inline (epub.css colours it, as the site's CSS does) with its caption in a
-- figure element, inside the figure's div (which holds its anchor, so pandoc finds the chapter file of a link
-- to it), and its text version a plain code block under a line that names it. Outputs, table captions and notes
-- stay divs, which pandoc writes as they are.
local epub_markup = {
  figure = function(figure, div)
    local caption = pandoc.List({pandoc.RawInline('html', '<figcaption>')})
    caption:extend(figure.caption)
    caption:insert(pandoc.RawInline('html', '</figcaption>'))
    div.content = {
      pandoc.RawBlock('html', '<figure class="chart">\n' .. figure.svg),
      pandoc.Plain(caption),
      pandoc.RawBlock('html', '</figure>'),
      pandoc.Div({pandoc.Para(figure.text_version.name), figure.text_version.code}, pandoc.Attr('', {'text-version'})),
    }
    return div
  end,
}

local function page_filter(page)
  local first_heading = true
  local function identify(element)
    if element.identifier and element.identifier ~= '' then element.identifier = page .. '--' .. element.identifier end
    return element
  end
  return {
    Header = function(header)
      -- The table of contents (nav.xhtml) repeats headings, and EPUB allows MathML there only if declared, which
      -- pandoc does not do: a heading's math becomes its text ("$d$" → d in italics).
      header = pandoc.walk_block(header, {Math = function(math)
        local text = math.text:gsub('\\', '')
        return #text == 1 and pandoc.Emph{pandoc.Str(text)} or pandoc.Str(text)
      end})
      if header.level == 1 and first_heading then
        first_heading = false
        header.identifier = page
        return header
      end
      return identify(header)
    end,
    Div = identify,
    Span = identify,
    CodeBlock = identify,
    Link = function(link)
      local target = retarget(link.target, page)
      if target then link.target = target end
      return link
    end,
  }
end

function Pandoc(doc)
  local list = records(pandoc.utils.stringify(doc.meta['workbook-pages']))
  -- Read as the site reads pages, with the same prose rules (page-text.lua).
  local text = dofile(pandoc.utils.stringify(doc.meta['workbook-text']))
  local typed_blocks = dofile(pandoc.utils.stringify(doc.meta['workbook-blocks']))  -- the weave's typed blocks
  local typed, reader = typed_blocks.filter(epub_markup), typed_blocks.reader(text.reader)
  local blocks = pandoc.List()
  for index = 1, #list, 2 do
    local page, markdown = list[index], list[index + 1]
    local ok, read = pcall(pandoc.read, markdown, reader)
    if not ok then error('workbook-page ' .. page .. ': ' .. tostring(read)) end
    local prose = pandoc.walk_block(pandoc.Div(read.blocks), text.filter)
    blocks:extend(pandoc.walk_block(pandoc.walk_block(prose, page_filter(page)), typed).content)
  end
  doc.meta['workbook-pages'] = nil
  doc.meta['workbook-text'] = nil
  doc.meta['workbook-blocks'] = nil
  return pandoc.Pandoc(blocks, doc.meta)
end
