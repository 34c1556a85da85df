// The reference of `npm run bench -- bundles` (issue 18): a Lambda holding only a DynamoDB client, bundled with
// CfmFunction's options. Each cfm bundle's cold import is given as a multiple of this one's.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});

export const handler = async () => client.config.serviceId;
