// Checks that need the whole project: names unique, every tag on a known
// device, every address valid for its device's protocol.
import type { TrendView } from '../../../shared/contract';
import { tagPathProblem } from '../../../shared/tagPath';
import type { TagDataType } from '../../../shared/types';
import { AddressError, isWritableArea, parseModbusAddress } from '../drivers/modbus/address';
import type { TagDefinition } from '../tags/definition';
import { scaleProblem } from '../tags/scaling';
import type { DeviceConfig, HistorianConfig, ProjectFile, SimulatorConfig } from './schema';

export interface Project {
  readonly name: string;
  readonly devices: readonly DeviceConfig[];
  readonly tags: readonly TagDefinition[];
  readonly simulator?: SimulatorConfig;
  readonly historian: HistorianConfig;
  readonly trends: readonly TrendView[];
}

type Report = (path: readonly PropertyKey[], message: string) => void;

interface AddressFacts {
  readonly dataType: TagDataType;
  readonly readOnly: boolean;
}

/** What a device's protocol makes of an address; throws an error that says what is wrong. */
function addressFacts(device: DeviceConfig, address: string): AddressFacts {
  switch (device.driver) {
    case 'modbus-tcp':
    case 'modbus-rtu': {
      const parsed = parseModbusAddress(address);
      return { dataType: parsed.type, readOnly: !isWritableArea(parsed.area) };
    }
  }
}

export function crossCheck(file: ProjectFile, report: Report): Project {
  const devices = new Map<string, DeviceConfig>();
  const serialPorts = new Map<string, DeviceConfig & { driver: 'modbus-rtu' }>();
  file.devices.forEach((device, i) => {
    if (devices.has(device.name)) report(['devices', i, 'name'], `device "${device.name}" is defined twice`);
    devices.set(device.name, device);
    if (device.driver === 'modbus-rtu') {
      // Devices on one serial port share it, so they must agree on how it is set up.
      const first = serialPorts.get(device.port);
      if (!first) serialPorts.set(device.port, device);
      else {
        for (const key of ['baudRate', 'parity', 'dataBits', 'stopBits'] as const) {
          if (device[key] !== first[key]) {
            report(['devices', i, key], `${device.port} is shared with ${first.name}, which sets ${key} ${first[key]}, not ${device[key]}`);
          }
        }
      }
    }
  });

  const seen = new Set<string>();
  const tags: TagDefinition[] = [];
  file.tags.forEach((tag, i) => {
    const at = (key: string) => ['tags', i, key];
    const pathProblem = tagPathProblem(tag.path);
    if (pathProblem) report(at('path'), `path ${pathProblem}`);
    if (seen.has(tag.path)) report(at('path'), `"${tag.path}" is defined twice`);
    seen.add(tag.path);

    const device = devices.get(tag.device);
    if (!device) {
      const known = [...devices.keys()].join(', ') || 'none are defined';
      report(at('device'), `no device "${tag.device}" (devices: ${known})`);
      return;
    }
    let facts: AddressFacts;
    try {
      facts = addressFacts(device, tag.address);
    } catch (error) {
      if (!(error instanceof AddressError)) throw error;
      report(at('address'), error.message);
      return;
    }
    if (tag.writable && facts.readOnly) report(at('writable'), `${tag.address} is in a read-only area`);
    if (tag.scale) {
      if (facts.dataType === 'bool') report(at('scale'), 'a bool cannot be scaled');
      const problem = scaleProblem(tag.scale);
      if (problem) report(at('scale'), problem);
    }
    if (tag.limits?.min !== undefined && tag.limits.max !== undefined && tag.limits.min > tag.limits.max) {
      report(at('limits'), `min ${tag.limits.min} is above max ${tag.limits.max}`);
    }
    tags.push({
      path: tag.path,
      device: tag.device,
      address: tag.address,
      dataType: facts.dataType,
      units: tag.units,
      description: tag.description,
      writable: tag.writable,
      scale: tag.scale,
      deadband: tag.deadband,
      limits: tag.limits,
      history: tag.history,
    });
  });

  return { name: file.name, devices: file.devices, tags, simulator: file.simulator, historian: file.historian, trends: file.trends };
}
