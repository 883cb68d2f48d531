// The Functions host's own storage account: AzureWebJobsStorage (host keys, timer and singleton
// leases) and the Flex Consumption deployment package. It holds no journal data, and the journal's
// accounts hold none of this, so no data role or SAS on the journal ever reaches the host's keys
// or code.
//
// Closed to the internet: public network access is off and the app reaches the account through
// private endpoints in the virtual network. Shared keys are off; only Entra ID gets in.

@description('Name of the storage account (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Private container that Flex Consumption deploys the app package to.')
param deploymentContainerName string

@description('Subnet that holds the private endpoints.')
param endpointSubnetId string

@description('Private DNS zone ids by storage service: blob.')
param zoneIds object

// The host keeps its keys, leases and timer status in blobs, and reads its package from one;
// the app's queue triggers use the journal's data account, not this one.
var services = [
  'blob'
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
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
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
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
output blobEndpoint string = account.properties.primaryEndpoints.blob
output deploymentContainerName string = deploymentContainer.name
