-- What both page renderers (render-pages.lua for the site, render-epub.lua for the EPUB) do to the Markdown of a
-- page before writing it: how it is read, and the rules for its prose text. Loaded with `dofile` from the same
-- folder; returns {reader = …, filter = …}.

-- The Markdown reader. Not pandoc 2.17's `autolink_bare_uris`: after a link to an http(s) address followed by
-- full-width punctuation (`[x](https://a.org)）`, common in Chinese), it left the rest of the paragraph's `$…$` and
-- `*…*` unparsed, and pages showed raw TeX. Bare addresses become links below instead (`bare_links`).
-- Fenced divs and bracketed spans carry the weave's typed blocks (page-blocks.lua).
local reader = 'gfm-autolink_bare_uris+tex_math_dollars+attributes+fenced_divs+bracketed_spans'

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

-- Full-width punctuation right after inline math stays on the math's line: a line never starts with "。" or "，".
local closing_punctuation = {}
for _, mark in ipairs({'，', '。', '、', '；', '：', '！', '？', '）', '」', '』', '”', '’', '》'}) do closing_punctuation[mark] = true end
local function keep_punctuation(inlines)
  local out = pandoc.List()
  local i = 1
  while i <= #inlines do
    local element, after = inlines[i], inlines[i + 1]
    local first = after and after.t == 'Str' and after.text:match('^[\194-\244][\128-\191]*')
    if element.t == 'Math' and first and closing_punctuation[first] then
      out:insert(pandoc.Span({element, pandoc.Str(first)}, pandoc.Attr('', {'nowrap'})))
      if #after.text > #first then out:insert(pandoc.Str(after.text:sub(#first + 1))) end
      i = i + 2
    else
      out:insert(element)
      i = i + 1
    end
  end
  return out
end

-- A line break in the source between two East Asian characters is no space on the page: authors wrap lines, and
-- Chinese puts no spaces between words. (pandoc's `east_asian_line_breaks` does this after its own reader, not
-- in `pandoc.read`.)
local function wide(codepoint)
  return codepoint and ((codepoint >= 0x1100 and codepoint <= 0x115F) or (codepoint >= 0x2E80 and codepoint <= 0xA4CF)
    or (codepoint >= 0xAC00 and codepoint <= 0xD7A3) or (codepoint >= 0xF900 and codepoint <= 0xFAFF)
    or (codepoint >= 0xFE30 and codepoint <= 0xFE4F) or (codepoint >= 0xFF00 and codepoint <= 0xFF60)
    or (codepoint >= 0xFFE0 and codepoint <= 0xFFE6))
end
local function last_codepoint(text)
  local last
  for _, codepoint in utf8.codes(text) do last = codepoint end
  return last
end
local function joined_lines(inlines)
  local out = pandoc.List()
  for i, element in ipairs(inlines) do
    local before, after = inlines[i - 1], inlines[i + 1]
    local between_wide = element.t == 'SoftBreak' and before and after and before.t == 'Str' and after.t == 'Str'
      and wide(last_codepoint(before.text)) and wide(utf8.codepoint(after.text, 1))
    if not between_wide then out:insert(element) end
  end
  return out
end

local function prose(block) block.content = keep_punctuation(joined_lines(linkify(block.content))); return block end

return {
  reader = reader,
  -- Bare addresses linked, East Asian line breaks joined, punctuation kept with its math: for Para, Plain, Header.
  filter = {Para = prose, Plain = prose, Header = prose},
}

