-- pandoc filter: chapters link to each other as `NN-name.md` (so the links work on GitHub and in editors); in
-- the site those pages are `NN-name.html`. Only Link nodes are touched, so a link written inside a code block
-- (a Markdown example) stays as written.
function Link(link)
  local target = link.target
  if target:find("^%a[%w+.-]*:") or target:find("^/") then return nil end  -- absolute URLs and paths
  local page, rest = target:match("^([^#?]+)%.md([#?].*)$")
  if not page then page, rest = target:match("^([^#?]+)%.md$"), "" end
  if page then
    link.target = page .. ".html" .. rest
    return link
  end
end
