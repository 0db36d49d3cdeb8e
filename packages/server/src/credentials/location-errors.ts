import { CredentialCode, credentialError } from './credential-codes';
import type { CredentialInfo } from './credential-info';
import type { LocationInfo } from './credential-locations';

/**
 * A call for a location the credential does not serve: the message names the location, what the
 * credential does serve (by name), and how to add it, which differs for an agency install (install the
 * app on the location; the INSTALL webhook or a sync adds it) and a group of tokens (add its token).
 */
export function notCovered(info: Pick<CredentialInfo, 'name' | 'kind'>, locationId: string, known: LocationInfo[], why: string) {
  const installed = known.filter((l) => l.status === 'installed');
  const listed = installed.length
    ? installed
        .slice(0, 8)
        .map((l) => (l.name ? `${l.name} (${l.locationId})` : l.locationId))
        .join(', ') + (installed.length > 8 ? ` and ${installed.length - 8} more` : '')
    : 'none yet';
  const how =
    info.kind === 'highlevel-agency'
      ? `Install the app on that location in HighLevel (the agency's marketplace app settings): HighLevel's INSTALL webhook to Splice adds it, or run \`splice credentials locations sync ${info.name}\` afterwards`
      : `Add that location's private integration token with \`splice credentials locations add ${info.name} --location-id ${locationId} --token-stdin\``;
  return credentialError(
    CredentialCode.LOCATION_NOT_COVERED,
    `credential ${info.name} does not cover location ${locationId}: it ${why}. It serves: ${listed}. ${how}.`,
    { details: { credential: info.name, locationId, covered: installed.map((l) => l.locationId) } },
  );
}

/** A call through a multi-location credential that names no location. */
export function locationRequired(name: string, needs: { stepId?: string; uses?: string }) {
  const step = needs.stepId ? `step ${needs.stepId}${needs.uses ? ` (${needs.uses})` : ''}` : 'this call';
  return credentialError(
    CredentialCode.LOCATION_REQUIRED,
    `${step} names no location, but credential ${name} serves several: give the operation's locationId (e.g. \`params.locationId: =$event.locationId\`) so Splice can pick that location's token.`,
    { details: { credential: name, step: needs.stepId } },
  );
}

/**
 * The locations a stored credential serves, for fan-out (a schedule's `forEachLocation`): the installed
 * locations of an agency connection or a token group, the single location of a one-location token, or
 * none (a credential that names no location).
 */
export async function locationsServedBy(
  store: { find(name: string): Promise<CredentialInfo | undefined>; locations: { list(id: string): Promise<LocationInfo[]> } },
  name: string,
): Promise<string[]> {
  const info = await store.find(name);
  if (!info) return [];
  if (info.kind === 'highlevel-agency' || info.kind === 'highlevel-pit-locations') {
    return (await store.locations.list(info.id)).filter((l) => l.status === 'installed').map((l) => l.locationId);
  }
  return info.meta.locationId ? [info.meta.locationId] : [];
}
