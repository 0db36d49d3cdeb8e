/**
 * Job tags a UK trades business uses in Payaca. The HighLevel stand-in's Social Planner tags start with the
 * same names, so demo flows that turn Payaca project tags into Social Planner tags find a match.
 */
export const TRADE_JOB_TAGS = [
  'Kitchen Refit',
  'Boiler Service',
  'Emergency Call-out',
  'Bathroom',
  'Rewire',
  'EV Charger',
  'Solar PV',
  'Heat Pump',
] as const;
