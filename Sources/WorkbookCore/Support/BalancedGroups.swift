/// Splits work into `count` groups of about the same total size: largest first, each to the lightest group so
/// far (the longest-processing-time rule, within 4/3 of the best split). Each group keeps the input order; empty
/// groups are dropped.
enum BalancedGroups {
    static func split<T>(_ items: [T], into count: Int, size: (T) -> Int) -> [[T]] {
        var members = [[Int]](repeating: [], count: max(1, count))
        var totals = [Int](repeating: 0, count: members.count)
        for index in items.indices.sorted(by: { size(items[$0]) > size(items[$1]) }) {
            let lightest = totals.indices.min { totals[$0] < totals[$1] }!
            members[lightest].append(index)
            totals[lightest] += size(items[index])
        }
        return members.filter { !$0.isEmpty }.map { $0.sorted().map { items[$0] } }
    }
}
