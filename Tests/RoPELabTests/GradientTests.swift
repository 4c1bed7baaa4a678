import Testing
@testable import RoPELab
