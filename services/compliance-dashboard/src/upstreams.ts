// The services the dashboard reads, from the catalog: the seven jurisdiction services it
// calls and the IoT integration, each with its port and `<SERVICE>_URL` variable, so a
// name or port is written down once, in @azora/catalog.
import { defaultUrl, getService, JURISDICTION_SERVICES, urlVariable } from '@azora/catalog';
import { rulePack } from '@azora/compliance-core';

export const SERVICE_NAME = 'compliance-dashboard';
export const IOT_SERVICE = 'quantum-iot-integration';

export interface RegimeUpstream {
  /** Catalog name, e.g. `gdpr-compliance`. */
  service: string;
  /** Rule pack id, e.g. `gdpr`. */
  regime: string;
  /** The regime's display name, e.g. `GDPR (EU)`: known even while the service is down. */
  name: string;
  /** Where its API lives: `/api/<apiPrefix>`. */
  apiPrefix: string;
  /** Its `<SERVICE>_URL` variable. */
  urlVariable: string;
  defaultUrl: string;
}

/** The jurisdiction services, in the catalog's order. */
export function regimeUpstreams(): RegimeUpstream[] {
  return JURISDICTION_SERVICES.map((name) => {
    const entry = getService(name);
    const regime = entry.regime;
    if (!regime) throw new Error(`the catalog gives the jurisdiction service ${name} no regime`);
    return {
      service: entry.name,
      regime,
      name: rulePack(regime).name,
      apiPrefix: entry.apiPrefix,
      urlVariable: urlVariable(entry.name),
      defaultUrl: defaultUrl(entry.name),
    };
  });
}

export function iotUpstream() {
  const entry = getService(IOT_SERVICE);
  return {
    service: entry.name,
    apiPrefix: entry.apiPrefix,
    urlVariable: urlVariable(entry.name),
    defaultUrl: defaultUrl(entry.name),
  };
}
