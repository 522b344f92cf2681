using System.Globalization;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>
/// Checks five-field cron expressions (minute hour day-of-month month day-of-week, UTC): numbers, <c>*</c>,
/// ranges <c>a-b</c>, steps <c>/n</c> and lists <c>,</c>. Names (JAN, MON) are not accepted: one spelling, fewer surprises.
/// </summary>
internal static class CronExpression
{
    private static readonly (int Min, int Max)[] Fields = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];

    public static bool IsValid(string? expression)
    {
        var fields = expression?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is not { Length: 5 })
        {
            return false;
        }

        return fields.Select((field, i) => field.Split(',').All(item => IsValidItem(item, Fields[i]))).All(ok => ok);
    }

    private static bool IsValidItem(string item, (int Min, int Max) range)
    {
        var slash = item.Split('/');
        if (slash.Length > 2 || (slash.Length == 2 && (!TryNumber(slash[1], out var step) || step < 1 || step > range.Max)))
        {
            return false;
        }

        if (slash[0] == "*")
        {
            return true;
        }

        var bounds = slash[0].Split('-');
        return bounds.Length switch
        {
            1 => InRange(bounds[0], range, out _),
            2 => InRange(bounds[0], range, out var low) && InRange(bounds[1], range, out var high) && low <= high,
            _ => false,
        };
    }

    private static bool InRange(string text, (int Min, int Max) range, out int value) =>
        TryNumber(text, out value) && value >= range.Min && value <= range.Max;

    private static bool TryNumber(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && text.Length <= 4;
}
