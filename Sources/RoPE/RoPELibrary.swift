/// The library's version, shown in every course page's footer next to the numbers it computed.
public enum RoPELibrary {
    public static let version = "0.1.0"
}
