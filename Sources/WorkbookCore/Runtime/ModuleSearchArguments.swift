import Foundation

/// The compiler arguments a chapter program needs to import what a package runtime's module imports: the book's
/// library modules AND every C module they expose (module maps, header search paths of C and system-library
/// targets, theirs and their dependencies'), macro plugins, C++ interoperability.
///
/// They are taken from SwiftPM's own build description of the runtime (`.build/release/description.json`,
/// written by every `swift build`): the command that compiled `WorkbookLibraries`, which depends on every library
/// product of the book, is exactly the import context a chapter needs. A hand-made list (`-I` per C target) would
/// miss what SwiftPM knows: generated module maps, `include/` folders, pkg-config flags, `unsafeFlags`, plugins.
enum ModuleSearchArguments {
    /// Arguments that take a value and decide what `import` finds, or which macros expand.
    static let withValue: Set<String> = ["-Xcc", "-I", "-F", "-Fsystem", "-load-plugin-executable", "-load-plugin-library",
                                         "-plugin-path", "-external-plugin-path"]
    /// Flags whose modules a client must match (a module built with C++ interoperability needs it in its client).
    static let flagPrefixes = ["-cxx-interoperability-mode=", "-enable-experimental-cxx-interop"]

    /// Reads a module's compile command from the build description in `binDirectory`.
    static func read(binDirectory: URL, module: String) throws -> [String] {
        let file = binDirectory.appendingPathComponent("description.json")
        struct Description: Decodable {
            struct Command: Decodable { var moduleName: String?; var otherArguments: [String]? }
            var swiftCommands: [String: Command]
        }
        let description: Description
        do {
            description = try JSONDecoder().decode(Description.self, from: try Data(contentsOf: file))
        } catch {
            throw WorkbookError(file: file.path, "cannot read SwiftPM's build description of the snippet runtime "
                + "(\(WorkbookError.describe(error))); run `workbook clean` and build again", underlying: error)
        }
        guard let command = description.swiftCommands.values.first(where: { $0.moduleName == module }),
              let arguments = command.otherArguments else {
            throw WorkbookError(file: file.path, "SwiftPM's build description has no compile command for \(module); "
                + "run `workbook clean` and build again")
        }
        return importing(arguments)
    }

    /// The arguments of a module's compile command that shape its imports, in their order.
    static func importing(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "-Xfrontend", index + 3 < arguments.count, withValue.contains(arguments[index + 1]),
               arguments[index + 2] == "-Xfrontend" {
                // `-Xfrontend -load-plugin-executable -Xfrontend PATH#Module`: how SwiftPM hands macros to the frontend.
                kept += Array(arguments[index..<(index + 4)])
                index += 4
            } else if withValue.contains(argument), index + 1 < arguments.count {
                kept += [argument, arguments[index + 1]]
                index += 2
            } else {
                if flagPrefixes.contains(where: { argument.hasPrefix($0) }) { kept.append(argument) }
                index += 1
            }
        }
        return kept
    }
}
