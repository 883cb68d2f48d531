// The journal's tables (settings, accounts, children, observations, sessions, audit log) and its
// queues (mail outbox, resets, exports). Browsers never talk to tables or queues, so the account
// refuses the internet: public network access is off and the app reaches it through private
// endpoints. Shared keys are off; only Entra ID gets in. Every read of a table is logged to Log
// Analytics (who read children's records, and when).
//
// An operator's own address can be let in for the duration of a task (operatorIpRange; empty
// by default): the operator command `python -m shared.cli` needs the tables from a laptop.

@description('Name of the storage account (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Redundancy. Zone-redundant storage keeps the journal through the loss of one zone where the region offers it.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
param skuName string = 'Standard_LRS'

@description('Subnet that holds the private endpoints.')
param endpointSubnetId string

@description('Private DNS zone ids by storage service: queue, table.')
param zoneIds object

@description('Log Analytics workspace that receives the read, write and delete log.')
param workspaceId string

@description('An operator address (CIDR) let in over the internet for a task; empty lets nobody in.')
param operatorIpRange string = ''

var services = [
  'queue'
  'table'
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    isHnsEnabled: false
    publicNetworkAccess: empty(operatorIpRange) ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
      ipRules: empty(operatorIpRange) ? [] : [
        {
          value: operatorIpRange
          action: 'Allow'
        }
      ]
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tableReads 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'storage-reads-to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'StorageRead'
        enabled: true
      }
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
  }
}

resource queueReads 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'storage-reads-to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'StorageRead'
        enabled: true
      }
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
  }
}

resource endpoints 'Microsoft.Network/privateEndpoints@2023-11-01' = [for service in services: {
  name: 'pe-${name}-${service}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: endpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: service
        properties: {
          privateLinkServiceId: account.id
          groupIds: [
            service
          ]
        }
      }
    ]
  }
}]

resource endpointZones 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = [for (service, i) in services: {
  parent: endpoints[i]
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: service
        properties: {
          privateDnsZoneId: zoneIds[service]
        }
      }
    ]
  }
}]

output id string = account.id
output name string = account.name
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
