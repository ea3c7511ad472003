// Package budget allocates the marketing spend over contacts and tells how
// much of it reached each group of contacts (personas, negative personas,
// decisions), what it returned, and what excluding contacts would have
// saved. It works on plain slices (Allocate); every amount is in the
// workspace currency.
//
// # Allocation
//
// The allocation is the one of the contact_cost feature:
//
//   - a cost row with a contact (a direct cost, of kind acquisition or
//     contact) goes to that contact;
//   - the spend of a campaign (rows without a contact, with a campaign) is
//     split equally over the distinct contacts the campaign touched,
//     however often it touched each;
//   - the spend of a channel without a campaign is split equally over the
//     distinct contacts touched in that channel, by any campaign or none;
//   - spend on a campaign or channel that touched nobody is unallocated;
//   - support costs are not marketing spend and enter none of the figures
//     below (only SupportCost); the caller's profit already carries them.
//
// The share of a contact from a source (a campaign, a channel's spend, or a
// direct cost) is kept per contact (Report.Shares) with its channel; every
// figure below is a sum of shares. The channel of campaign spend is that
// of its cost row; when the row has none and all the campaign's touches
// share one channel, that channel; otherwise "(no channel)".
//
// # Figures
//
//   - Marketing spend of a contact: the sum of its shares, that is its
//     acquisition and contact costs plus its part of campaign and channel
//     spend.
//   - Total spend: every cost row except support. Allocated spend: the sum
//     of all contacts' spend. Unallocated spend: the spend of campaigns and
//     channels that touched nobody, listed per source. Allocated +
//     unallocated = total, up to rounding: sums are compensated (Neumaier),
//     so they differ in the last digits only (about 1e-15 of the total),
//     never by whole cents.
//   - Revenue and profit of a contact are given by the caller (net revenue
//     in the period; profit may be negative).
//   - ROI = (revenue − spend) / spend: what each unit of spend returned
//     beyond itself (0 = the revenue only paid back the spend, −1 = no
//     revenue). ROAS = revenue / spend. Both are NaN when spend is 0 (a
//     group no money was spent on): show them as "—", not as 0.
//   - Per group: every distinct group a contact lists, plus "(no group)"
//     for contacts that list none. The number of contacts, their spend,
//     revenue, profit, ROI and ROAS. A contact in several groups counts in
//     each, so group rows overlap and do not add up to the total.
//   - Per channel and per campaign: the spend each put on contacts, and the
//     revenue and profit of every contact attributed to its channels (or
//     campaigns) in proportion to the spend each put on that contact.
//     Contacts with no spend at all are in a "(no paid spend)" row. The
//     rows of channels (and of campaigns) add up to the allocated spend,
//     the total revenue and the total profit. The campaign rows are named
//     by campaign; spend that has no campaign is in "channel: <channel>"
//     (channel spend) and "direct: <kind>" (direct costs) rows. Contacts
//     is the number of contacts the channel or campaign spent on.
//   - Per group × channel and group × campaign: the same, for the contacts
//     of one group. The rows of one group add up to that group's spend,
//     revenue and profit.
//   - Reach: for a set of groups (for instance every "negative:" group),
//     the contacts in at least one of them (counted once), their spend,
//     revenue and profit, and the share of the total spend (unallocated
//     spend included) that reached them.
//
// # What-if
//
// The what-if removes the contacts marked Excluded: it would have saved X
// (their spend) and lost Y (their revenue) and Z (their profit; negative
// when excluding them raises profit), assuming their spend is saved in
// full, none of their revenue would have come without paid marketing, and
// no other contact changes. ROI of all spend before, A = (R − S) / S, and
// after, B = ((R − Y) − (S − X)) / (S − X), where S is the total spend
// (unallocated included) and R the revenue of all contacts.
//
// The uncertainty of Y is a bootstrap percentile interval: the m excluded
// contacts are resampled with replacement B times (Options.Resamples,
// default 2000), and the interval runs from the 2.5 % to the 97.5 %
// empirical quantile of the B resampled sums of revenue (for the default
// level 0.95). It reads: excluding contacts like these, m of them, loses
// between low and high in revenue in 95 % of periods. Options.Seed is kept
// in the result; the same seed and data give the same interval on any
// number of CPUs.
package budget
