/// Preview mode (`workbook serve`): while an author edits a snippet, its fresh output differs from the one the
/// chapter records. Rather than an error page, the page shows the fresh output, marked "not yet recorded" (in
/// words, so the mark reads without any stylesheet: `UIStrings.outputNotRecorded`, woven by `Weaver` as an
/// `.unrecorded-note`); `workbook fix` (or `serve --fix`) records it.
enum PreviewMarks {
    /// Ids of the snippets whose fresh output is shown in the page but not recorded as is in the chapter.
    static func unrecorded(in chapter: Chapter, outputs: [SnippetOutput]) -> Set<String> {
        Set(zip(chapter.snippets, outputs).filter { snippet, output in
            snippet.showsOutput && !output.isEmpty && OutputChecker.differs(snippet, in: chapter, output: output)
        }.map(\.0.id))
    }
}
