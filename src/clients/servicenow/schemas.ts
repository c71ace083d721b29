import { z } from 'zod';
import { incidentSchema } from '../../contracts/incident';

/** The fields OpsLoop reads; asking for fewer keeps answers small (a full incident has ~80 fields). */
export const INCIDENT_FIELDS = Object.keys(incidentSchema.shape).join(',');

export const incidentListResponseSchema = z.object({ result: z.array(incidentSchema) });
export const incidentResponseSchema = z.object({ result: incidentSchema });
